"""`anonymize synthesize`: exit codes, what is written, and what is left alone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

from anonymization_pipeline.cli.main import main
from anonymization_pipeline.core.datasets import load_adult
from anonymization_pipeline_tests.conftest import adult_policy_document

ANONYMIZE = str(Path(sys.executable).parent / "anonymize")


def write_policy(tmp_path: Path, synthetic: dict | None) -> Path:
    document = adult_policy_document(tmp_path / "out" / "adult.parquet")
    if synthetic is not None:
        document["synthetic"] = synthetic
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def synthetic_section(tmp_path: Path, **targets) -> dict:
    return {
        "output": {"format": "parquet", "path": str(tmp_path / "out" / "adult_synthetic.parquet")},
        "utility_target": "salary-class",
        "targets": {"min_quality": 0.9, "min_pair_trends": 0.9, **targets},
    }


def test_a_synthetic_table_that_meets_its_targets_is_published_with_its_report(tmp_path, capsys):
    policy = write_policy(tmp_path, synthetic_section(tmp_path))
    assert main(["synthesize", str(policy), "--rows", "4000", "--seed", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "published: synthetic adult (bayesian_network, seed 3)"
    assert out[1] == "  rows: 30162 in (6032 held out), 4000 synthetic"
    published = pd.read_parquet(tmp_path / "out" / "adult_synthetic.parquet")
    assert published.shape == (4000, 9)
    report = json.loads((tmp_path / "out" / "report" / "synthetic" / "report.json").read_text())
    assert report["status"] == "published" and report["output"].endswith("adult_synthetic.parquet")
    assert report["rows"]["rows_published"] == 4000 and report["failures"] == []
    markdown = (tmp_path / "out" / "report" / "synthetic" / "report.md").read_text()
    assert "## Privacy against a real hold-out" in markdown and "| quality |" in markdown
    assert not (tmp_path / "out" / "adult.parquet").exists()


def test_an_unmet_target_publishes_nothing_exits_1_and_leaves_the_last_output(tmp_path, capsys):
    policy = write_policy(tmp_path, synthetic_section(tmp_path, min_quality=0.9999))
    output = tmp_path / "out" / "adult_synthetic.parquet"
    output.parent.mkdir(parents=True)
    output.write_bytes(b"last good output")
    assert main(["synthesize", str(policy), "--rows", "3000", "--seed", "3"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("error: not published: synthetic quality: ") and "target ≥ 0.9999" in captured.err
    assert len(captured.err.splitlines()) == 1
    assert output.read_bytes() == b"last good output"
    assert sorted(p.name for p in output.parent.iterdir()) == ["adult_synthetic.parquet", "report"]
    assert not (tmp_path / "out" / "report" / "synthetic" / "report.json").exists()
    rejected = list((tmp_path / "out" / "report" / "synthetic" / "assessments").glob("*/report.json"))
    assert len(rejected) == 1 and json.loads(rejected[0].read_text())["status"] == "not_published"


def test_output_override_and_csv(tmp_path):
    policy = write_policy(tmp_path, synthetic_section(tmp_path))
    target = tmp_path / "elsewhere" / "synthetic.csv"
    assert main(["synthesize", str(policy), "--rows", "3000", "--seed", "4", "--output", str(target), "--quiet"]) == 0
    assert len(pd.read_csv(target)) == 3000
    assert not (tmp_path / "out" / "adult_synthetic.parquet").exists()


def test_configuration_problems_are_one_line_and_exit_2(tmp_path, capsys):
    assert main(["synthesize", str(write_policy(tmp_path, None))]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path / 'policy.yaml'}: the policy has no 'synthetic' section\n"
    assert main(["synthesize", str(write_policy(tmp_path, {"utility_target": "salary-class"}))]) == 2
    assert capsys.readouterr().err == "error: synthetic.output is not set: add it to the policy or give --output\n"


def test_the_console_script_exits_1_without_a_traceback_when_privacy_is_not_proven(tmp_path):
    policy = write_policy(tmp_path, synthetic_section(tmp_path, max_membership_auc=0.5, min_dcr_ratio=100.0))
    done = subprocess.run([ANONYMIZE, "synthesize", str(policy), "--rows", "2000", "--quiet"], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "synthetic dcr_ratio: " in done.stderr
    assert not (tmp_path / "out" / "adult_synthetic.parquet").exists()
    bad = subprocess.run([ANONYMIZE, "synthesize", str(policy), "--rows", "0"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--rows" in bad.stderr


def dp_policy(tmp_path: Path, **targets) -> Path:
    """dp_marginals on 3,000 Adult rows, ε 1 of a monthly budget of 1.5, no privacy target unless set
    (OpenDP's noise cannot be seeded: a target could fail by chance)."""
    small = tmp_path / "adult_small.csv"
    load_adult().iloc[:3000].to_csv(small, index=False)
    document = adult_policy_document(tmp_path / "out" / "adult.parquet")
    document["dataset"]["input"] = {"format": "csv", "path": str(small)}
    document["synthetic"] = {
        "method": "dp_marginals",
        "epsilon": 1.0,
        "budget": {"epsilon": 1.5, "period": "month"},
        "output": {"format": "parquet", "path": str(tmp_path / "out" / "adult_synthetic.parquet")},
        "targets": {"min_dcr_ratio": None, "max_unique_copy_ratio": None, "max_membership_auc": None, **targets},
    }
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def ledger_history(capsys) -> list[dict]:
    capsys.readouterr()
    assert main(["budget", "history", "--dataset", "adult", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_dp_marginals_is_charged_to_the_ledger_and_refused_once_the_budget_is_spent(tmp_path, capsys):
    policy = dp_policy(tmp_path)
    output = tmp_path / "out" / "adult_synthetic.parquet"
    assert main(["synthesize", str(policy), "--seed", "1"]) == 0
    out = capsys.readouterr().out
    [entry] = ledger_history(capsys)
    assert (entry["status"], entry["epsilon"], entry["queries"]) == ("committed", 1.0, ["synthetic:dp_marginals"])
    assert entry["run_id"].startswith("synthesize-") and f"run {entry['run_id']})" in out
    assert f"  epsilon spent: 1 (ledger: 0.5 of 1.5 left for {entry['period']}, run" in out
    report = json.loads((tmp_path / "out" / "report" / "synthetic" / "report.json").read_text())
    assert entry["digest"] == report["candidate_sha256"]
    published = output.read_bytes()

    assert main(["synthesize", str(policy), "--seed", "2"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: dataset 'adult': the release needs epsilon 1, delta 0, but only epsilon 0.5") and len(err.splitlines()) == 1
    assert output.read_bytes() == published
    assert not (tmp_path / "out" / "report" / "synthetic" / "assessments").exists()
    assert [row["status"] for row in ledger_history(capsys)] == ["committed"]


def test_a_rejected_dp_candidate_leaves_an_aborted_reservation_not_a_spend(tmp_path, capsys):
    assert main(["synthesize", str(dp_policy(tmp_path, min_quality=0.9999)), "--seed", "1"]) == 1
    captured = capsys.readouterr()
    assert "  epsilon 1 not spent: the reservation was given back" in captured.out
    assert not (tmp_path / "out" / "adult_synthetic.parquet").exists()
    [entry] = ledger_history(capsys)
    assert entry["status"] == "aborted" and entry["digest"] is None
    [rejected] = (tmp_path / "out" / "report" / "synthetic" / "assessments").iterdir()
    assert rejected.name == entry["run_id"]


def test_a_dp_policy_without_a_budget_is_refused_at_load(tmp_path, capsys):
    document = yaml.safe_load(dp_policy(tmp_path).read_text())
    del document["synthetic"]["budget"]
    (tmp_path / "policy.yaml").write_text(yaml.safe_dump(document))
    assert main(["synthesize", str(tmp_path / "policy.yaml")]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "add synthetic.budget (e.g. budget: {epsilon: 3.0, period: month})" in err
    assert ledger_history(capsys) == []
