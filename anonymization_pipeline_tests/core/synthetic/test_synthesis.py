"""`synthesize` end to end: the issue's targets on Adult, exact reproduction from a seed, direct
identifiers never modelled, and every way the input or the targets can stop it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline import synthesize as exported_synthesize
from anonymization_pipeline.core.datasets import generate_users, load_adult
from anonymization_pipeline.core.dp import BudgetLedger
from anonymization_pipeline.core.errors import ConfigurationError, InputDataError, PrivacyTargetNotMet
from anonymization_pipeline.core.policy import validate_policy
from anonymization_pipeline.core.synthetic import build_candidate, synthesize

LOCATION = {"format": "parquet", "path": "/nowhere/out.parquet"}


def policy_for(fields: dict, **synthetic) -> object:
    return validate_policy(
        {"version": 1, "dataset": {"name": "t", "input": LOCATION, "output": LOCATION}, "fields": fields, "synthetic": synthetic}
    )


def keep_all(columns) -> dict:
    return {c: {"class": "non_sensitive", "method": "keep"} for c in columns}


@pytest.fixture(scope="module")
def adult() -> pd.DataFrame:
    return load_adult()


@pytest.fixture(scope="module")
def bayesian(adult):
    return build_candidate(adult, policy_for(keep_all(adult.columns), utility_target="salary-class"), seed=11)


@pytest.fixture(scope="module")
def private(adult):
    policy = policy_for(
        keep_all(adult.columns), method="dp_marginals", epsilon=1.0, budget={"epsilon": 1.0}, utility_target="salary-class"
    )
    return build_candidate(adult, policy, seed=11, ledger=BudgetLedger("sqlite://"))


def test_bayesian_network_meets_the_adult_targets(bayesian):
    evaluation = bayesian.report["evaluation"]
    assert evaluation["quality"]["score"] >= 0.93 and evaluation["quality"]["pair_trends"] >= 0.95
    assert evaluation["ml_utility"]["synthetic"] >= 0.80
    privacy = evaluation["privacy"]
    assert privacy["unique_copies_synthetic"] <= privacy["unique_copies_holdout"]
    assert privacy["dcr_ratio"] >= 1.0 and privacy["membership_auc"] <= 0.55
    assert bayesian.passed and bayesian.report["status"] == "published"


def test_dp_marginals_at_epsilon_one_meet_the_adult_targets_and_record_the_spend(private):
    evaluation = private.report["evaluation"]
    assert evaluation["quality"]["score"] >= 0.85 and evaluation["quality"]["pair_trends"] >= 0.90
    assert evaluation["ml_utility"]["synthetic"] >= 0.78
    assert private.report["privacy_budget"]["epsilon"] == 1.0
    assert "OpenDP" in private.report["privacy_budget"]["mechanism"]


def test_every_input_row_is_accounted_for_and_the_output_has_the_input_shape(bayesian, adult):
    rows = bayesian.report["rows"]
    assert rows["rows_training"] + rows["rows_holdout"] == rows["rows_in"] == len(adult)
    assert rows["rows_holdout"] == round(0.2 * len(adult))
    assert list(bayesian.data.columns) == list(adult.columns) and len(bayesian.data) == len(adult)
    assert (bayesian.data.dtypes == adult.dtypes).all()
    assert bayesian.data["age"].str.fullmatch(r"\d+").all()
    for column in ("sex", "race", "education", "salary-class"):
        assert set(bayesian.data[column]) <= set(adult[column])


def test_a_seed_reproduces_the_table_and_the_report_exactly(adult):
    policy = policy_for(keep_all(adult.columns))
    first, second = (build_candidate(adult.iloc[:5000], policy, rows=3000, seed=5) for _ in range(2))
    pd.testing.assert_frame_equal(first.data, second.data)
    assert {k: v for k, v in first.report.items() if k != "timings"} == {k: v for k, v in second.report.items() if k != "timings"}
    other = build_candidate(adult.iloc[:5000], policy, rows=3000, seed=6)
    assert not first.data.equals(other.data)


def test_direct_identifiers_are_never_modelled_but_dropped_or_regenerated():
    users = generate_users(3000, seed=3)
    fields = keep_all(["birth_date", "sex", "zipcode", "city", "diagnosis", "income", "signup_channel", "purchase_count"])
    fields |= {
        "user_id": {"class": "direct_identifier", "method": "drop"},
        "full_name": {"class": "direct_identifier", "method": "fake", "params": {"provider": "name", "pool_size": 50}},
        "email": {"class": "direct_identifier", "method": "mask", "params": {"preset": "email"}},
        "phone": {"class": "direct_identifier", "method": "drop"},
        "ssn": {"class": "direct_identifier", "method": "drop"},
        "credit_card": {"class": "direct_identifier", "method": "drop"},
        "ip_address": {"class": "direct_identifier", "method": "redact"},
    }
    candidate = build_candidate(users, policy_for(fields), seed=1)
    data = candidate.data
    assert "user_id" not in data and "email" not in data and "ip_address" not in data
    assert data["full_name"].nunique() <= 50 and data["full_name"].notna().all()
    treatments = {name: entry["treatment"] for name, entry in candidate.report["columns"].items()}
    assert treatments["full_name"] == "regenerated" and treatments["email"] == "dropped"
    assert {node["column"] for node in candidate.report["structure"]} == {
        "birth_date", "sex", "zipcode", "city", "diagnosis", "income", "signup_channel", "purchase_count"
    }
    assert data["birth_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert data["income"].dtype == "int64" and data["zipcode"].isin(users["zipcode"]).all()


def test_nulls_are_a_value_of_their_own():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.choice(["x", "y"], 2000), "n": rng.normal(size=2000)})
    frame.loc[frame["a"] == "x", "n"] = np.nan
    candidate = build_candidate(frame, policy_for(keep_all(frame.columns), targets={}), seed=2)
    synthetic = candidate.data
    assert synthetic["n"].isna().mean() == pytest.approx(frame["n"].isna().mean(), abs=0.04)
    assert (synthetic.loc[synthetic["n"].isna(), "a"] == "x").mean() > 0.95


def test_unmet_targets_raise_and_name_every_unmet_check(adult):
    policy = policy_for(keep_all(adult.columns), rows=2000, targets={"min_quality": 0.999, "max_membership_auc": 0.5})
    with pytest.raises(PrivacyTargetNotMet) as raised:
        synthesize(adult.iloc[:4000], policy, seed=1)
    assert "synthetic quality: " in str(raised.value) and "target ≥ 0.999" in str(raised.value)
    assert exported_synthesize is synthesize


def test_a_column_that_looks_like_an_identifier_is_refused(adult):
    frame = adult.iloc[:1000].assign(person=[f"p{i}" for i in range(1000)])
    with pytest.raises(InputDataError, match="column 'person' has 1000 distinct values in 1000 rows"):
        build_candidate(frame, policy_for(keep_all(frame.columns)), seed=1)


@pytest.mark.parametrize(
    ("frame", "fields", "synthetic", "error", "message"),
    [
        (pd.DataFrame({"a": ["x"] * 5}), {"a": {}}, {}, InputDataError, "at least 20 input rows"),
        (pd.DataFrame({"a": ["x"] * 50, "b": ["y"] * 50}), {"a": {}}, {}, InputDataError, "does not mention"),
        (pd.DataFrame({"a": ["x"] * 50}), {"a": {}}, {"utility_target": "a"}, ConfigurationError, "utility_target"),
    ],
)
def test_bad_input_stops_with_one_clear_error(frame, fields, synthetic, error, message):
    fields = {name: {"class": "non_sensitive", "method": "keep"} for name in fields}
    with pytest.raises(error, match=message):
        build_candidate(frame, policy_for(fields, **synthetic), seed=0)


def test_a_policy_without_a_synthetic_section_cannot_synthesize():
    policy = validate_policy({"version": 1, "dataset": {"name": "t", "input": LOCATION, "output": LOCATION}, "fields": keep_all(["a"])})
    with pytest.raises(ConfigurationError, match="no 'synthetic' section"):
        build_candidate(pd.DataFrame({"a": ["x"] * 50}), policy)
