"""`anonymize audit`: what was published, when, under which policy, with what risk, from the instance.

The Adult policy runs twice for the module against one SQLite Dagster instance: first passing,
then failing its risk target (`max_prosecutor_risk: 0.01`). The failing run materializes the
stages up to the risk assessment and never the published dataset.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import dagster as dg
import pytest
import yaml

from anonymization_pipeline.cli.main import main
from anonymization_pipeline.core.keys import encode_key_material
from anonymization_pipeline.core.policy import load_policy
from anonymization_pipeline_tests.conftest import TEST_KEYS, adult_policy_document, new_dagster_home

STAGES_BEFORE_PUBLISH = [
    "risk_assessment",
    "sensitive_protected",
    "quasi_identifiers_generalized",
    "identifiers_protected",
    "field_classification",
    "raw_records",
]
"""Newest first within a run: the order the stages materialize in, reversed."""
RISK_FAILURE = "highest prosecutor risk is 0.1667; the policy allows 0.01"
HEADER = (
    "time (UTC)           dataset asset                          run      attempt     rows     k max risk  policy        result"
)
ROW = re.compile(
    r"^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) +(?P<dataset>\S+) +(?P<asset>\S+) +(?P<run>[0-9a-f]{8}) +(?P<attempt>\d+) +"
    r"(?P<rows>\d*) +(?P<k>\d*) +(?P<risk>[0-9.]*) +(?P<policy>[0-9a-f]{12})  (?P<result>.*)$"
)
K_SHOWN = ("quasi_identifiers_generalized", "anonymized_dataset")
RISK_SHOWN = ("risk_assessment", "anonymized_dataset")


@dataclass(frozen=True)
class TwoRuns:
    home: Path
    passed_run: str
    failed_run: str
    passed_policy_sha256: str
    failed_policy_sha256: str


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoRuns]:
    """One passing and one failing run of the Adult policy (conftest's adult_policy_document, as
    the adult_policy_file fixture writes it); module-scoped because each run takes seconds, so the
    environment mirrors conftest's function-scoped isolated_environment here."""
    work = tmp_path_factory.mktemp("audit")
    home = new_dagster_home(work)
    passing, failing = work / "passing.yaml", work / "failing.yaml"
    output = work / "out" / "adult.parquet"
    passing.write_text(yaml.safe_dump(adult_policy_document(output)))
    failing.write_text(yaml.safe_dump(adult_policy_document(output, risk={"max_prosecutor_risk": 0.01})))
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DAGSTER_HOME", str(home))
        monkeypatch.setenv("ANONYMIZER_STORAGE_DIR", str(home / "anonymizer_storage"))
        monkeypatch.setenv("ANONYMIZER_PROJECT_FILE", "")
        for variable in [name for name in os.environ if name.startswith("ANONYMIZER_KEY_")]:
            monkeypatch.delenv(variable)
        for name, material in TEST_KEYS.items():
            monkeypatch.setenv(f"ANONYMIZER_KEY_{name.upper()}", encode_key_material(material))

        assert main(["run", str(passing), "--quiet"]) == 0
        assert main(["run", str(failing), "--quiet"]) == 1

        runs = dg.DagsterInstance.get().get_run_records(order_by="create_timestamp", ascending=True)
        statuses = [record.dagster_run.status for record in runs]
        assert statuses == [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE]
        yield TwoRuns(
            home=home,
            passed_run=runs[0].dagster_run.run_id,
            failed_run=runs[1].dagster_run.run_id,
            passed_policy_sha256=load_policy(passing).sha256(),
            failed_policy_sha256=load_policy(failing).sha256(),
        )


@pytest.fixture
def instance_of_two_runs(two_runs: TwoRuns, monkeypatch: pytest.MonkeyPatch) -> TwoRuns:
    """Point this test's DAGSTER_HOME (set empty by the autouse fixture) at the two runs' instance."""
    monkeypatch.setenv("DAGSTER_HOME", str(two_runs.home))
    return two_runs


def audit(capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["audit", *options])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def audit_json(capsys: pytest.CaptureFixture[str], *options: str) -> list[dict]:
    code, out, err = audit(capsys, "--json", *options)
    assert (code, err) == (0, "")
    return json.loads(out)


def expected_rows(runs: TwoRuns) -> list[dict[str, str]]:
    """The table's rows, newest first: the failed run's stages, then the passed run's, published last."""
    failed = [
        {
            "asset": asset,
            "run": runs.failed_run[:8],
            "policy": runs.failed_policy_sha256[:12],
            "rows": "" if asset in ("risk_assessment", "field_classification") else "30162",
            "k": "6" if asset in K_SHOWN else "",
            "risk": "0.1667" if asset in RISK_SHOWN else "",
            "result": f"failed: {RISK_FAILURE}" if asset == "risk_assessment" else "",
        }
        for asset in STAGES_BEFORE_PUBLISH
    ]
    passed = [
        {
            "asset": asset,
            "run": runs.passed_run[:8],
            "policy": runs.passed_policy_sha256[:12],
            "rows": "" if asset in ("risk_assessment", "field_classification") else "30162",
            "k": "6" if asset in K_SHOWN else "",
            "risk": "0.1667" if asset in RISK_SHOWN else "",
            "result": {"anonymized_dataset": "published", "risk_assessment": "passed"}.get(asset, ""),
        }
        for asset in ["anonymized_dataset", *STAGES_BEFORE_PUBLISH]
    ]
    return [row | {"attempt": "1", "dataset": "adult"} for row in failed + passed]


def parse_table(out: str) -> tuple[str, list[dict[str, str]]]:
    table, _, _failed_runs = out.partition("\n\nfailed runs:\n")
    header, *lines = table.splitlines()
    rows = []
    for line in lines:
        match = ROW.match(line)
        assert match, f"not a table row: {line!r}"
        rows.append({key: value for key, value in match.groupdict().items() if key != "time"})
    return header, rows


def test_json_for_the_published_dataset_names_run_time_policy_and_status(instance_of_two_runs, capsys):
    runs = instance_of_two_runs
    entries = audit_json(capsys, "--asset", "anonymized_dataset")

    assert len(entries) == 1, "the failed run never materializes the published dataset"
    entry = entries[0]
    assert set(entry) == {"dataset", "asset", "partition", "time", "run_id", "metadata"}
    assert (entry["asset"], entry["partition"], entry["run_id"]) == ("anonymized_dataset", None, runs.passed_run)
    assert datetime.fromisoformat(entry["time"]).utcoffset().total_seconds() == 0
    metadata = entry["metadata"]
    assert re.fullmatch(r"[0-9a-f]{64}", metadata["policy_sha256"])
    assert metadata["policy_sha256"] == runs.passed_policy_sha256
    assert (metadata["attempt"], metadata["parent_run"], metadata["status"]) == (1, "", "published")
    assert metadata["dataset"] == entry["dataset"] == "adult"
    assert metadata["rows"] == {
        "rows_in": 30162,
        "rows_published": 30162,
        "rows_suppressed": 0,
        "rows_generalized": 30162,
    }
    assert metadata["failures"] == []
    assert metadata["privacy"]["k_achieved"] >= 5
    assert metadata["risk"]["prosecutor"]["highest_risk"] == pytest.approx(1 / 6)


def test_json_lists_both_runs_newest_first_with_the_failed_assessment(instance_of_two_runs, capsys):
    runs = instance_of_two_runs
    entries = audit_json(capsys)

    assert [(entry["asset"], entry["run_id"]) for entry in entries] == [
        (row["asset"], runs.failed_run if row["run"] == runs.failed_run[:8] else runs.passed_run)
        for row in expected_rows(runs)
    ]
    times = [datetime.fromisoformat(entry["time"]) for entry in entries]
    assert times == sorted(times, reverse=True)
    assert {entry["metadata"]["attempt"] for entry in entries} == {1}
    failed_assessment = entries[0]["metadata"]
    assert (failed_assessment["passed"], failed_assessment["failures"]) == (False, [RISK_FAILURE])
    assert failed_assessment["policy_sha256"] == runs.failed_policy_sha256 != runs.passed_policy_sha256


def test_since_keeps_materializations_at_or_after_the_given_time(instance_of_two_runs, capsys):
    runs = instance_of_two_runs
    everything = audit_json(capsys)
    failed_run_started = everything[len(STAGES_BEFORE_PUBLISH) - 1]["time"]

    assert audit_json(capsys, "--since", "2000-01-01") == everything
    assert [entry["run_id"] for entry in audit_json(capsys, "--since", failed_run_started)] == [runs.failed_run] * len(
        STAGES_BEFORE_PUBLISH
    )
    assert audit_json(capsys, "--since", "2999-01-01") == []


def test_since_that_is_not_a_date_is_one_error_line_with_exit_2(instance_of_two_runs, capsys):
    assert audit(capsys, "--since", "yesterday") == (
        2,
        "",
        "error: --since: 'yesterday' is not a date (YYYY-MM-DD) or an ISO time\n",
    )


def test_table_shows_every_materialization_and_why_an_assessment_failed(instance_of_two_runs, capsys):
    code, out, err = audit(capsys)

    assert (code, err) == (0, "")
    header, rows = parse_table(out)
    assert header == HEADER
    assert rows == expected_rows(instance_of_two_runs)
    assert f"failed: {RISK_FAILURE}" in out.splitlines()[1]
    failed_run = out.split("\n\nfailed runs:\n")[1].splitlines()
    assert len(failed_run) == 1
    assert failed_run[0].endswith(f" adult   {instance_of_two_runs.failed_run[:8]}  not published: {RISK_FAILURE}")


def test_dataset_selects_one_dataset_and_an_unknown_one_is_named(instance_of_two_runs, capsys):
    assert audit_json(capsys, "--dataset", "adult") == audit_json(capsys)
    code, out, err = audit(capsys, "--dataset", "nope")
    assert (code, out) == (2, "")
    assert err == "error: --dataset: no materialization of 'nope' in this instance; datasets: adult\n"


def test_table_since_a_date_before_both_runs_shows_both(instance_of_two_runs, capsys):
    code, out, err = audit(capsys, "--since", "2000-01-01")

    assert (code, err) == (0, "")
    header, rows = parse_table(out)
    assert header == HEADER
    assert rows == expected_rows(instance_of_two_runs)


def test_table_of_the_failed_run_alone_shows_the_unmet_risk_target(instance_of_two_runs, capsys):
    since = audit_json(capsys)[len(STAGES_BEFORE_PUBLISH) - 1]["time"]
    code, out, err = audit(capsys, "--since", since)

    assert (code, err) == (0, "")
    header, rows = parse_table(out)
    assert header == HEADER
    assert rows == expected_rows(instance_of_two_runs)[: len(STAGES_BEFORE_PUBLISH)]


def test_an_unknown_asset_is_an_error_naming_the_known_ones(instance_of_two_runs, capsys):
    code, out, err = audit(capsys, "--asset", "nope")
    assert (code, out) == (2, "")
    assert err.startswith("error: --asset: unknown asset 'nope'; one of: daily_arrivals, raw_records, field_classification, ")
