"""`anonymize aggregate`: exit codes, one-line errors, nothing spent on bad input."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

from anonymization_pipeline.cli import main
from anonymization_pipeline.core.dp import BudgetLedger
from anonymization_pipeline_tests.core.dp.policies import write_policy


def history() -> list:
    ledger = BudgetLedger.from_environment()
    try:
        return ledger.history()
    finally:
        ledger.dispose()


def test_a_release_prints_what_it_spent_and_writes_the_report(tmp_path, capsys):
    policy = write_policy(tmp_path)
    assert main.main(["aggregate", str(policy), "--report", str(tmp_path / "report")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "released: visits, 16 values from 6 queries"
    assert out[1].startswith("  spent: epsilon 3, delta 0; in ") and out[1].endswith(": epsilon 3 spent, 2 left")
    report = json.loads((tmp_path / "report" / "aggregates.json").read_text())
    assert report["epsilon"] == 3.0 and report["remaining"]["epsilon"] == 2.0 and report["rows_released"] == 16
    assert report["run_id"].startswith("cli-") and report["run_id"] == history()[0].run_id
    assert len(pd.read_csv(tmp_path / "out" / "aggregates.csv")) == 16


def test_the_second_release_past_the_budget_exits_1_and_writes_nothing(tmp_path, capsys):
    policy = write_policy(tmp_path)
    assert main.main(["aggregate", str(policy), "--quiet"]) == 0
    (tmp_path / "out" / "aggregates.csv").unlink()
    capsys.readouterr()
    assert main.main(["aggregate", str(policy)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("error: dataset 'visits': the release needs epsilon 3")
    assert err[0].endswith("; nothing released")
    assert not (tmp_path / "out" / "aggregates.csv").exists()
    assert len(history()) == 1


@pytest.mark.parametrize(
    ("queries", "budget", "message"),
    [
        (
            [{"name": "mean_amount", "kind": "mean", "column": "amount", "epsilon": 0.5}],
            None,
            "error: aggregates.queries.0.mean.bounds: required",
        ),
        (
            [{"name": "total", "kind": "sum", "column": "salary", "bounds": [0, 1], "epsilon": 0.5}],
            None,
            "error: aggregates: unknown column 'salary'; the input has 4 columns: user_id, city, amount, age",
        ),
        (
            [{"name": "visits", "kind": "count", "epsilon": 0}],
            None,
            "error: aggregates.queries.0.count.epsilon: Input should be greater than 0",
        ),
        (
            [{"name": "visits", "kind": "count", "epsilon": 2.0}],
            {"epsilon": 1.0},
            "error: aggregates: queries.visits: epsilon 2 is more than the whole budget (epsilon 1 per month)",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_spent(tmp_path, capsys, queries, budget, message):
    policy = write_policy(tmp_path, queries=queries, budget=budget)
    assert main.main(["aggregate", str(policy)]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [message] and captured.out == ""
    assert history() == []
    assert not (tmp_path / "out").exists()


def test_a_policy_without_aggregates_is_exit_2(tmp_path, capsys, adult_policy_file):
    assert main.main(["aggregate", str(adult_policy_file())]) == 2
    assert capsys.readouterr().err == "error: this policy has no 'aggregates' section: nothing to release\n"


def test_json_summary_has_no_data_values(tmp_path, capsys):
    policy = write_policy(tmp_path)
    assert main.main(["aggregate", str(policy), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert set(summary) == {
        "dataset", "period", "run_id", "epsilon", "delta", "digest", "output", "rows_released", "rows_read",
        "rows_truncated", "privacy_units", "spent", "remaining", "timings",
    }
    assert "u00001" not in json.dumps(summary) and yaml.safe_load(policy.read_text())["dataset"]["name"] == summary["dataset"]
