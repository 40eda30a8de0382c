"""Measure what is published: whenever the search returns a transformation, the assessment of the
published frame passes, and both reach the same values (to 1e-12), operators on sensitive columns
included. Also the two repros of issue 10 and ARX's hierarchical t-closeness case end to end."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anonymization_pipeline.core.datasets.adult import ADULT_QUASI_IDENTIFIERS, load_adult
from anonymization_pipeline.core.errors import PrivacyTargetNotMet
from anonymization_pipeline.core.pipeline import stages
from anonymization_pipeline.core.pipeline.classification import classify_fields
from anonymization_pipeline.core.pipeline.run import anonymize
from anonymization_pipeline.core.policy.model import Policy
from anonymization_pipeline.core.risk import assess_risk
from anonymization_pipeline_tests.core.privacy.adult_policies import adult_policy

ILLNESS_TREE = "flu;respiratory;*\ncold;respiratory;*\ncancer;chronic;*\nasthma;chronic;*\n"
EIGHT = [c for c in ADULT_QUASI_IDENTIFIERS if c != "occupation"]


def _policy(tmp_path, privacy: dict, income_method: dict) -> Policy:
    zone = tmp_path / "zone.csv"
    zone.write_text("north;N;*\nsouth;S;*\neast;E;*\nwest;W;*\n")
    illness = tmp_path / "illness.csv"
    illness.write_text(ILLNESS_TREE)
    fields = {
        "zone": {"class": "quasi_identifier", "hierarchy": {"table": str(zone)}},
        "age": {"class": "quasi_identifier", "hierarchy": {"intervals": [0, 20, 40, 60, 80, 100]}},
        "illness": {"class": "sensitive", "method": "keep", "hierarchy": {"table": str(illness)}},
        "income": {"class": "sensitive", **income_method},
    }
    location = {"format": "csv", "path": str(tmp_path / "in.csv")}
    return Policy.model_validate({"version": 1, "dataset": {"name": "t", "input": location, "output": location}, "fields": fields, "privacy": privacy})


@st.composite
def problems(draw):
    size = draw(st.integers(10, 40))
    frame = pd.DataFrame(
        {
            "zone": draw(st.lists(st.sampled_from(["north", "south", "east", "west"]), min_size=size, max_size=size)),
            "age": draw(st.lists(st.integers(0, 99), min_size=size, max_size=size)),
            "illness": draw(st.lists(st.sampled_from(["flu", "cold", "cancer", "asthma"]), min_size=size, max_size=size)),
            "income": draw(st.lists(st.integers(0, 90_000), min_size=size, max_size=size)),
        }
    )
    attribute = draw(st.sampled_from(["illness", "income"]))
    privacy: dict = {
        "max_suppression": draw(st.sampled_from([0.0, 0.1, 0.3])),
        "metric": draw(st.sampled_from(["loss", "non_uniform_entropy", "discernibility"])),
        "suppression": draw(st.sampled_from(["mask", "remove"])),
        "algorithm": draw(st.sampled_from(["optimal", "optimal", "mondrian"])),
    }
    if draw(st.booleans()):
        privacy["k"] = draw(st.integers(2, 4))
    model = draw(st.sampled_from(["distinct", "entropy", "recursive", "equal", "ordered", "hierarchical", "basic", "enhanced", "delta", "none"]))
    if model in ("distinct", "entropy", "recursive"):
        privacy["l_diversity"] = {"attribute": attribute, "l": 2 if model != "entropy" else 1.7, "variant": model, **({"c": 3} if model == "recursive" else {})}
    elif model in ("equal", "ordered") or (model == "hierarchical" and attribute == "illness"):
        privacy["t_closeness"] = {"attribute": attribute, "t": draw(st.sampled_from([0.2, 0.35])), "distance": model, "reference": draw(st.sampled_from(["input", "published"]))}
    elif model in ("basic", "enhanced"):
        privacy["beta_likeness"] = {"attribute": attribute, "beta": draw(st.sampled_from([0.5, 1.5])), "variant": model}
    elif model == "delta":
        privacy["delta_disclosure"] = {"attribute": attribute, "delta": draw(st.sampled_from([1.0, 2.0]))}
    if not {"k", "l_diversity", "t_closeness", "beta_likeness", "delta_disclosure"} & set(privacy):
        privacy["k"] = 2
    income = draw(st.sampled_from([{"method": "keep"}, {"method": "bucket", "params": {"edges": [0, 30_000, 60_000, 90_001]}}, {"method": "round", "params": {"base": 25_000}}]))
    return frame, privacy, income


def _published(frame: pd.DataFrame, policy: Policy):
    records = stages.ingest(frame, policy, source="a DataFrame")
    records = stages.protect_identifiers(records, classify_fields(list(frame.columns), policy), policy, None)
    records = stages.generalize_quasi_identifiers(records, policy)
    return stages.protect_sensitive(records, policy, None)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(problem=problems())
def test_whatever_the_search_accepts_the_assessment_passes_with_the_same_values(tmp_path, problem):
    frame, privacy, income = problem
    policy = _policy(tmp_path, privacy, income)
    try:
        records = _published(frame, policy)
    except PrivacyTargetNotMet:
        return
    search = records.audits[stages.QUASI_IDENTIFIERS_GENERALIZED]["privacy"]
    assessment = assess_risk(records.frame, policy, search, reference=frame)

    assert all(result.passed for result in assessment.criteria), [r.unmet for r in assessment.criteria]
    for result in assessment.criteria:
        assert result.achieved == pytest.approx(search[result.achieved_key], abs=1e-12, rel=0)


@pytest.fixture(scope="module")
def adult() -> pd.DataFrame:
    return load_adult()


def test_ordered_t_closeness_on_age_at_0_15_publishes(adult):
    quasi = [c for c in ADULT_QUASI_IDENTIFIERS if c != "age"]
    policy = adult_policy({"t_closeness": {"attribute": "age", "t": 0.15, "distance": "ordered"}, "k": 5, "max_suppression": 0.04}, quasi, "age")
    result = anonymize(adult, policy)

    assert result.report["status"] == "published"
    t_closeness = next(r for r in result.report["risk"]["criteria"] if r["criterion"] == "t_closeness")
    assert t_closeness["achieved"] == pytest.approx(result.report["privacy"]["t_achieved"], abs=1e-12) and t_closeness["achieved"] <= 0.15


def test_bucketed_income_with_distinct_l_3_publishes_and_is_measured_on_the_buckets(adult):
    frame = adult.assign(income=(adult["age"].astype(int) * 997 + adult.index.to_numpy() * 31) % 90_000)
    document = adult_policy({"k": 5, "max_suppression": 0.04}, EIGHT).model_dump(mode="json", by_alias=True)
    document["fields"]["income"] = {"class": "sensitive", "method": "bucket", "params": {"edges": [0, 20_000, 40_000, 60_000, 90_000]}}
    document["privacy"]["l_diversity"] = {"attribute": "income", "l": 3}
    result = anonymize(frame, Policy.model_validate(document))

    assert result.report["status"] == "published"
    assert set(result.data["income"]) <= {"[0, 20000)", "[20000, 40000)", "[40000, 60000)", "[60000, 90000]"}
    assert result.report["privacy"]["l_achieved"] >= 3
    assert result.report["risk"]["sensitive"]["income"]["l_distinct"] == result.report["privacy"]["l_achieved"]


def test_an_operator_that_is_not_row_local_on_a_measured_attribute_is_refused_at_load(tmp_path):
    with pytest.raises(ValueError, match="privacy.l_diversity: 'income' is protected with 'swap', which is not row-local and deterministic"):
        _policy(tmp_path, {"l_diversity": {"attribute": "income", "l": 2}}, {"method": "swap"})


def test_arx_hierarchical_t_closeness_with_suppression_reproduces_end_to_end(adult):
    privacy = {"t_closeness": {"attribute": "occupation", "t": 0.2, "distance": "hierarchical"}, "k": 5, "max_suppression": 0.04, "metric": "non_uniform_entropy_monotonic"}
    result = anonymize(adult, adult_policy(privacy, EIGHT, "occupation"))

    assert result.report["status"] == "published"
    assert list(result.report["privacy"]["transformation"].values()) == [1, 4, 0, 0, 3, 2, 2, 1]
    assert result.report["privacy"]["information_loss"] == pytest.approx(377622.78458729305, rel=1e-9)
    assert result.report["privacy"]["suppressed_rows"] == 1088


def test_the_report_fits_its_typed_model_and_schema(adult):
    from anonymization_pipeline.core.pipeline.report_model import RunReport, report_schema

    result = anonymize(adult.head(3000), adult_policy({"k": 5, "max_suppression": 0.04, "beta_likeness": {"attribute": "occupation", "beta": 5}}, EIGHT, "occupation"))
    report = RunReport.model_validate(result.report)

    assert report.privacy.beta_achieved == pytest.approx(next(c.achieved for c in report.risk.criteria if c.criterion == "beta_likeness"), abs=1e-12)
    assert set(report_schema()["properties"]) >= {"status", "rows", "privacy", "risk", "validation", "failures"}
