"""Two `anonymize run` at once on one Dagster instance (issue 11, finding 1).

Stage files were keyed by asset name only: a run could publish the other run's input. Each run
must publish its own input, or stop with exit 2 and one line saying why.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

from anonymization_pipeline_tests.small_case import write_small_case

ANONYMIZE = str(Path(sys.executable).parent / "anonymize")
ROUNDS = 3


def _start(policy: Path, *options: str) -> subprocess.Popen:
    return subprocess.Popen(
        [ANONYMIZE, "run", str(policy), "--quiet", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


def _finish(process: subprocess.Popen) -> tuple[int, str]:
    _, err = process.communicate(timeout=300)
    return process.returncode, err


def test_two_runs_with_different_inputs_each_publish_their_own(tmp_path):
    cases = {tag: write_small_case(tmp_path / tag, rows=40 + 20 * seed, seed=seed, tag=tag) for seed, tag in enumerate("ab")}
    for round_number in range(ROUNDS):
        outputs = {tag: tmp_path / f"round{round_number}" / tag / "out.csv" for tag in cases}
        running = {tag: _start(case.policy, "--output", str(outputs[tag])) for tag, case in cases.items()}
        for tag, process in running.items():
            code, err = _finish(process)
            assert code == 0, err
            published = pd.read_csv(outputs[tag], dtype=str)
            assert set(published["source"]) == {tag}
            assert len(published) == len(cases[tag].frame)


def test_two_runs_into_one_output_publish_one_whole_input_or_say_why(tmp_path):
    cases = {tag: write_small_case(tmp_path / tag, rows=40 + 20 * seed, seed=seed, tag=tag) for seed, tag in enumerate("ab")}
    output = tmp_path / "shared" / "out.csv"
    for _ in range(ROUNDS):
        running = {tag: _start(case.policy, "--output", str(output)) for tag, case in cases.items()}
        outcomes = {tag: _finish(process) for tag, process in running.items()}
        for code, err in outcomes.values():
            assert code in (0, 2), err
            if code == 2:
                assert len(err.splitlines()) == 1 and "another run is publishing to" in err
        published = pd.read_csv(output, dtype=str)
        (tag,) = set(published["source"])
        assert outcomes[tag][0] == 0 and len(published) == len(cases[tag].frame)


def test_two_policies_at_once_each_publish_their_own_dataset(tmp_path):
    """Two datasets of one code location (issue 12), run at the same moment on one instance: each
    output holds its own input, and each dataset's stage files stay under its own name."""
    cases = {}
    for seed, (tag, dataset) in enumerate([("a", "people"), ("b", "customers")]):
        case = write_small_case(tmp_path / tag, rows=40 + 20 * seed, seed=seed, tag=tag)
        document = yaml.safe_load(case.policy.read_text())
        document["dataset"]["name"] = dataset
        case.policy.write_text(yaml.safe_dump(document))
        cases[dataset] = (tag, case)
    for _ in range(ROUNDS):
        running = {dataset: _start(case.policy) for dataset, (_, case) in cases.items()}
        for dataset, process in running.items():
            code, err = _finish(process)
            assert code == 0, err
            tag, case = cases[dataset]
            published = pd.read_csv(case.output, dtype=str)
            assert set(published["source"]) == {tag}
            assert len(published) == len(case.frame)
    storage = Path(os.environ["ANONYMIZER_STORAGE_DIR"]) / "runs"
    datasets_by_run = {run.name: {child.name for child in run.iterdir()} for run in storage.iterdir()}
    assert len(datasets_by_run) == 2 * ROUNDS
    assert all(len(names) == 1 and names <= set(cases) for names in datasets_by_run.values())
