"""assess_risk: exact figures, one failure line per unmet target, and the Adult reference transformations."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from anonymization_pipeline.core.datasets import ADULT_QUASI_IDENTIFIERS, adult_hierarchy_path, load_adult
from anonymization_pipeline.core.policy import validate_policy
from anonymization_pipeline.core.reporting.targets import policy_targets
from anonymization_pipeline.core.risk import assess_risk
from anonymization_pipeline_tests.core.risk.policies import small_policy

# classes of sizes 1, 2, 5, 10 over (zip, sex); diagnosis varies inside the classes
TABLE = pd.DataFrame(
    {
        "zip": ["10001"] + ["10002"] * 2 + ["10003"] * 5 + ["10004"] * 10,
        "sex": ["F"] + ["M"] * 2 + ["F"] * 5 + ["M"] * 10,
        "diagnosis": ["flu"] + ["flu", "cold"] + ["flu", "cold", "flu", "cold", "cough"] + ["flu"] * 5 + ["cold"] * 5,
    }
)


def test_figures_of_a_hand_counted_table():
    summary = assess_risk(TABLE, small_policy(["zip", "sex"], ["diagnosis"])).summary
    assert summary["equivalence_classes"] == 4
    assert summary["k_achieved"] == 1
    assert summary["class_size_distribution"] == {"1": 1, "2": 1, "5": 1, "10": 1}
    assert summary["prosecutor"]["highest_risk"] == 1.0
    assert summary["prosecutor"]["average_risk"] == pytest.approx(4 / 18)
    assert summary["prosecutor"]["records_at_risk_by_threshold"] == pytest.approx({"0.2": 3 / 18, "0.1": 8 / 18, "0.05": 1.0})
    assert summary["prosecutor"]["sample_uniques"] == 1
    assert summary["sensitive"]["diagnosis"]["l_distinct"] == 1
    assert summary["sensitive"]["diagnosis"]["t_equal"] == pytest.approx(0.5)
    assert summary["marketer_success_rate"] == pytest.approx(4 / 18)
    assert summary["journalist"] is None


def test_every_unmet_target_gets_one_line_without_data_values():
    policy = small_policy(
        ["zip", "sex"],
        ["diagnosis"],
        privacy={"k": 2, "l_diversity": {"attribute": "diagnosis", "l": 2}, "t_closeness": {"attribute": "diagnosis", "t": 0.3}},
        risk={"max_prosecutor_risk": 0.5, "max_average_risk": 0.2, "max_records_at_risk": 0.1, "record_risk_threshold": 0.2},
    )
    assessment = assess_risk(TABLE, policy)
    assert not assessment.passed
    assert assessment.failures == [
        "k-anonymity: the smallest class has 1 records; the policy requires k = 2",
        "distinct l-diversity on 'diagnosis': achieved l = 1; the policy requires l = 2",
        "t-closeness (equal) on 'diagnosis': achieved t = 0.5; the policy allows t = 0.3",
        "highest prosecutor risk is 1; the policy allows 0.5",
        "average prosecutor risk is 0.2222; the policy allows 0.2",
        "records at risk above 0.2 is 0.1667; the policy allows 0.1",
    ]
    text = json.dumps(assessment.summary) + "\n".join(assessment.failures)
    for value in ("10001", "10002", "flu", "cold"):
        assert value not in text


def test_a_table_meeting_every_target_passes():
    table = TABLE[TABLE["zip"].isin(["10003", "10004"])]
    policy = small_policy(["zip", "sex"], ["diagnosis"], privacy={"k": 5}, risk={"max_prosecutor_risk": 0.2, "max_average_risk": 0.2, "max_records_at_risk": 0.0})
    assessment = assess_risk(table, policy)
    assert assessment.passed and assessment.failures == []
    assert assessment.summary["passed"] is True


def test_journalist_risk_against_a_population_table(tmp_path):
    population = pd.concat([TABLE[["zip", "sex"]]] + [pd.DataFrame({"zip": ["10001"] * 3 + ["10002"] * 2, "sex": ["F"] * 3 + ["M"] * 2})])
    path = tmp_path / "census.csv"
    population.to_csv(path, index=False)
    policy = small_policy(["zip", "sex"], risk={"population": {"format": "csv", "path": str(path)}, "record_risk_threshold": 0.2})
    journalist = assess_risk(TABLE, policy).summary["journalist"]
    # population class sizes: 4, 4, 5, 10 for sample classes of 1, 2, 5, 10
    assert journalist["highest_risk"] == pytest.approx(1 / 4)
    assert journalist["records_at_risk"] == pytest.approx(3 / 18)
    assert journalist["marketer_success_rate"] == pytest.approx((1 / 4 + 2 / 4 + 1 + 1) / 18)
    assert journalist["average_risk"] == pytest.approx(max(4 / 23, (1 / 4 + 2 / 4 + 1 + 1) / 18))
    assert journalist["population_rows"] == 23


def test_a_missing_quasi_identifier_column_is_an_input_error():
    from anonymization_pipeline.core.errors import InputDataError

    with pytest.raises(InputDataError, match="no quasi-identifier column 'sex'"):
        assess_risk(TABLE[["zip"]], small_policy(["zip", "sex"]))


# --- Adult after the privacy engine's four reference optima (ARX 3.9.2) ---------------------------

REFERENCE = [
    ("k=5, 0%", ADULT_QUASI_IDENTIFIERS, [1, 1, 1, 2, 3, 2, 2, 1, 1], {"k": 5}, 0),
    ("k=5, 4%", ADULT_QUASI_IDENTIFIERS, [1, 0, 1, 1, 3, 2, 2, 0, 1], {"k": 5, "max_suppression": 0.04}, 906),
    ("k=100, 0%", ADULT_QUASI_IDENTIFIERS, [0, 4, 1, 1, 3, 2, 2, 1, 1], {"k": 100}, 0),
    (
        "entropy 5-diversity",
        [c for c in ADULT_QUASI_IDENTIFIERS if c != "occupation"],
        [1, 0, 1, 1, 2, 2, 2, 1],
        {"l_diversity": {"attribute": "occupation", "l": 5, "variant": "entropy"}, "max_suppression": 0.04},
        753,
    ),
]


def _generalize(frame: pd.DataFrame, columns: list[str], levels: list[int]) -> pd.DataFrame:
    out = frame.copy()
    for column, level in zip(columns, levels):
        table = pd.read_csv(adult_hierarchy_path(column), sep=";", header=None, dtype=str, keep_default_na=False)
        out[column] = frame[column].map(dict(zip(table[0], table[level])))
    return out


def _failing_classes(frame: pd.DataFrame, columns: list[str], privacy: dict) -> pd.Series:
    """Per row: is its class failing k, or entropy-l on occupation (written out with pandas)."""
    groups = frame.groupby(columns)
    failing = pd.Series(False, index=frame.index)
    if "k" in privacy:
        failing |= groups[columns[0]].transform("size") < privacy["k"]
    if "l_diversity" in privacy:
        l = privacy["l_diversity"]["l"]

        def entropy(values: pd.Series) -> float:
            shares = values.value_counts(normalize=True)
            return float(-(shares * np.log(shares)).sum())

        failing |= groups["occupation"].transform(entropy) < math.log(l) - 1e-12  # ARX: H >= ln l, uniform classes included
    return failing


@pytest.mark.parametrize(("case", "columns", "levels", "privacy", "suppressed"), REFERENCE, ids=[r[0] for r in REFERENCE])
def test_adult_risk_after_the_reference_transformations(case, columns, levels, privacy, suppressed):
    adult = load_adult()
    output = _generalize(adult, columns, levels)
    failing = _failing_classes(output, columns, privacy)
    assert int(failing.sum()) == suppressed
    output.loc[failing, columns] = "*"

    kept = output[~failing]
    expected_sizes = kept.groupby(columns).size()
    fields = {c: {"class": "quasi_identifier", "hierarchy": {"table": str(adult_hierarchy_path(c))}} for c in columns}
    if "occupation" not in columns:
        fields["occupation"] = {"class": "sensitive", "method": "keep"}
    policy = validate_policy(
        {
            "version": 1,
            "dataset": {"name": "adult", "input": {"format": "csv", "path": "/a.csv"}, "output": {"format": "csv", "path": "/b.csv"}},
            "fields": fields,
            "privacy": privacy,
        }
    )
    assessment = assess_risk(output, policy)
    summary = assessment.summary
    assert assessment.passed, assessment.failures
    assert summary["suppressed_rows"] == suppressed
    assert summary["equivalence_classes"] == len(expected_sizes)
    assert summary["prosecutor"]["highest_risk"] == pytest.approx(1 / expected_sizes.min())
    assert summary["prosecutor"]["average_risk"] == pytest.approx(len(expected_sizes) / len(kept))
    if "l_diversity" in privacy:
        assert summary["sensitive"]["occupation"]["l_entropy"] >= 5


@given(
    st.lists(st.integers(1, 12), min_size=1, max_size=8),
    st.sampled_from([0.05, 0.1, 0.2, 0.5, 1 / 3, 1.0]),
    st.sampled_from([0.1, 0.2, 0.25, 1 / 3, 0.5]),
    st.sampled_from([0.0, 0.1, 0.5, 0.9]),
)
def test_the_gate_the_checks_and_the_report_agree_on_every_risk_threshold(sizes, highest, average, at_risk):
    """Limits equal to the achieved figures included: one verdict, recorded by the assessment."""
    table = pd.DataFrame({"zip": np.repeat([f"{i:05d}" for i in range(len(sizes))], sizes), "sex": "F", "diagnosis": "flu"})
    policy = small_policy(
        ["zip", "sex"], ["diagnosis"],
        risk={"max_prosecutor_risk": highest, "max_average_risk": average, "max_records_at_risk": at_risk, "record_risk_threshold": 0.2},
    )
    assessment = assess_risk(table, policy)
    labels = {"highest_prosecutor_risk": "highest prosecutor risk", "average_prosecutor_risk": "average prosecutor risk", "records_at_risk": "records at risk above"}
    thresholds = [target for target in policy_targets(policy) if target.section is None]
    assert thresholds
    for target in thresholds:
        failed_at_gate = any(line.startswith(labels[target.check]) for line in assessment.failures)
        assert target.met(assessment.summary) is not failed_at_gate
        assert target.met(assessment.summary) is (target.achieved(assessment.summary) <= target.limit + 1e-12)
