"""`anonymize budget show|history|reset`: the ledger from a shell, resets audited."""

from __future__ import annotations

import getpass
import json

import pytest

from anonymization_pipeline.cli import main
from anonymization_pipeline.core.dp import BudgetLedger, period_key
from anonymization_pipeline_tests.core.dp.policies import write_policy


@pytest.fixture
def released(tmp_path, capsys):
    """A policy released once (ε 3 of 5 this month)."""
    policy = write_policy(tmp_path)
    assert main.main(["aggregate", str(policy), "--quiet"]) == 0
    capsys.readouterr()
    return policy


def test_history_json_lists_each_release(released, capsys):
    assert main.main(["budget", "history", "--json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["dataset"] == "visits" and entry["period"] == period_key("month")
    assert entry["epsilon"] == 3.0 and entry["delta"] == 0.0 and entry["status"] == "committed"
    assert entry["run_id"].startswith("cli-") and entry["time"].endswith("+00:00") and len(entry["digest"]) == 64
    assert main.main(["budget", "history", "--dataset", "other", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_history_table_and_show(released, capsys):
    assert main.main(["budget", "history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["time", "(UTC)", "dataset", "period", "epsilon", "delta", "status", "run"]
    assert lines[1].split()[2:6] == ["visits", period_key("month"), "3", "0"]
    assert main.main(["budget", "show", "--policy", str(released), "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row == {
        "dataset": "visits",
        "period": period_key("month"),
        "epsilon": 3.0,
        "delta": 0.0,
        "budget_epsilon": 5.0,
        "budget_delta": 1e-6,
        "remaining_epsilon": 2.0,
        "remaining_delta": 1e-6,
    }
    assert main.main(["budget", "show"]) == 0
    assert capsys.readouterr().out.splitlines()[1].split() == ["visits", period_key("month"), "3", "0"]


def test_reset_needs_a_reason(released, capsys):
    with pytest.raises(SystemExit) as exited:
        main.main(["budget", "reset", "--dataset", "visits"])
    assert exited.value.code == 2
    assert "--reason" in capsys.readouterr().err
    assert main.main(["budget", "reset", "--dataset", "visits", "--reason", " "]) == 2
    assert capsys.readouterr().err == "error: a budget reset needs a reason\n"


def test_reset_is_audited_and_gives_the_budget_back(released, capsys):
    assert main.main(["aggregate", str(released)]) == 1
    capsys.readouterr()
    assert main.main(["budget", "reset", "--dataset", "visits", "--reason", "DPO ticket 12"]) == 0
    out = capsys.readouterr().out
    assert out == f"reset: visits, every period, by {getpass.getuser()} (every period reset); recorded as audit entry 1\n"
    ledger = BudgetLedger.from_environment()
    try:
        [record] = ledger.audit_trail()
        assert (record.reason, record.dataset, record.action) == ("DPO ticket 12", "visits", "reset")
        assert [entry.status for entry in ledger.history()] == ["committed", "reset"]
    finally:
        ledger.dispose()
    assert main.main(["aggregate", str(released), "--quiet"]) == 0
