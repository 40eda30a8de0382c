"""`dp_marginals` is charged to the dataset's budget ledger: reserved before any noise is drawn,
committed with the released table's digest, given back when nothing left the process, refused
when the period's budget is spent; `bayesian_network` never touches the ledger."""

from __future__ import annotations

import pandas as pd
import pytest

from anonymization_pipeline.core.datasets import load_adult
from anonymization_pipeline.core.dp import BudgetExhausted, BudgetLedger, period_key
from anonymization_pipeline.core.errors import OutputError, PrivacyTargetNotMet
from anonymization_pipeline.core.policy import validate_policy
from anonymization_pipeline.core.policy.model import ParquetLocation
from anonymization_pipeline.core.synthetic import build_candidate, dp_marginals, publish, publish_synthetic, synthesize

LOCATION = {"format": "parquet", "path": "/nowhere/out.parquet"}
NO_PRIVACY_TARGETS = {"min_dcr_ratio": None, "max_unique_copy_ratio": None, "max_membership_auc": None}


@pytest.fixture(scope="module")
def adult() -> pd.DataFrame:
    return load_adult().iloc[:3000].reset_index(drop=True)


@pytest.fixture
def ledger(tmp_path) -> BudgetLedger:
    book = BudgetLedger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    yield book
    book.dispose()


def document_for(columns, targets=None, **synthetic) -> dict:
    """Every column kept; dp_marginals spending ε 1 of 1.5 a month, with no privacy target (the
    noise cannot be seeded, so a target could fail by chance) unless `targets` sets some."""
    synthetic = {"method": "dp_marginals", "epsilon": 1.0, "budget": {"epsilon": 1.5}, "targets": targets or NO_PRIVACY_TARGETS} | synthetic
    fields = {column: {"class": "non_sensitive", "method": "keep"} for column in columns}
    return {"version": 1, "dataset": {"name": "adult", "input": LOCATION, "output": LOCATION}, "fields": fields, "synthetic": synthetic}


def policy_for(columns, targets=None, **synthetic):
    return validate_policy(document_for(columns, targets, **synthetic))


def test_a_released_synthesis_is_a_committed_row_with_its_run_and_digest(adult, ledger):
    result = synthesize(adult, policy_for(adult.columns), seed=1, ledger=ledger)
    [entry] = ledger.history("adult")
    assert (entry.status, entry.epsilon, entry.delta, entry.queries) == ("committed", 1.0, 0.0, ["synthetic:dp_marginals"])
    assert entry.period == period_key("month") and entry.digest == result.report["candidate_sha256"]
    assert entry.run_id.startswith("synthesize-") and entry.run_id == result.report["privacy_budget"]["run_id"]
    budget = result.report["privacy_budget"]
    assert (budget["ledger_entry"], budget["epsilon_spent_in_period"], budget["epsilon_remaining_in_period"]) == (entry.id, 1.0, 0.5)


def test_a_spent_budget_refuses_the_run_before_any_noise_is_drawn(adult, ledger, monkeypatch):
    policy = policy_for(adult.columns)
    synthesize(adult, policy, seed=1, ledger=ledger)
    measured = []
    monkeypatch.setattr(dp_marginals, "laplace_counts", lambda *args: measured.append(args))
    with pytest.raises(BudgetExhausted) as refused:
        synthesize(adult, policy, seed=2, ledger=ledger)
    assert "needs epsilon 1, delta 0, but only epsilon 0.5" in str(refused.value) and "nothing released" in str(refused.value)
    assert measured == []
    assert [entry.status for entry in ledger.history("adult")] == ["committed"]


def test_a_rejected_candidate_gives_its_reservation_back(adult, ledger):
    with pytest.raises(PrivacyTargetNotMet, match="not published: synthetic quality"):
        synthesize(adult, policy_for(adult.columns, targets={"min_quality": 0.9999}), seed=1, ledger=ledger)
    [entry] = ledger.history("adult")
    assert entry.status == "aborted" and entry.digest is None
    assert ledger.spent("adult", period_key("month")).epsilon == 0.0


def test_a_candidate_holds_its_reservation_until_released_or_withdrawn(adult, ledger):
    candidate = build_candidate(adult, policy_for(adult.columns), seed=1, run_id="run-7", ledger=ledger)
    [entry] = ledger.history("adult")
    assert (entry.status, entry.run_id) == ("reserved", "run-7")
    candidate.withdraw()
    assert ledger.history("adult")[0].status == "aborted"


def test_a_failed_write_gives_the_reservation_back_and_a_failed_fit_too(adult, ledger, tmp_path, monkeypatch):
    candidate = build_candidate(adult, policy_for(adult.columns), seed=1, ledger=ledger)

    def broken(*args):
        raise OutputError("cannot write")

    monkeypatch.setattr(publish, "write_table", broken)
    with pytest.raises(OutputError):
        publish_synthetic(candidate, ParquetLocation(format="parquet", path=tmp_path / "out.parquet"), None)
    monkeypatch.setattr(dp_marginals, "laplace_counts", broken)
    with pytest.raises(OutputError):
        build_candidate(adult, policy_for(adult.columns), seed=1, ledger=ledger)
    assert [entry.status for entry in ledger.history("adult")] == ["aborted", "aborted"]


def test_the_aggregates_budget_is_shared_when_the_section_sets_none(adult, ledger):
    aggregates = {
        "privacy_unit": {"column": "age", "max_rows": 1},
        "budget": {"epsilon": 1.2, "period": "year"},
        "output": LOCATION,
        "queries": [{"name": "rows", "kind": "count", "epsilon": 0.1}],
    }
    policy = validate_policy(document_for(adult.columns, budget=None) | {"aggregates": aggregates})
    synthesize(adult, policy, seed=1, ledger=ledger)
    assert [(entry.period, entry.status) for entry in ledger.history("adult")] == [(period_key("year"), "committed")]
    with pytest.raises(BudgetExhausted):
        synthesize(adult, policy, seed=1, ledger=ledger)


def test_bayesian_network_never_touches_the_ledger(adult, ledger, monkeypatch):
    monkeypatch.setenv("ANONYMIZER_LEDGER_URL", "postgresql://nobody@127.0.0.1:1/none")
    policy = policy_for(adult.columns, method="bayesian_network", epsilon=None, budget=None)
    result = synthesize(adult, policy, seed=1)
    assert result.report["privacy_budget"] is None
    assert ledger.history() == []
