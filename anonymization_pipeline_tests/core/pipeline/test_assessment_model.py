"""The assessment passed between the stages is one typed model: the gate, the report and the
Dagster side read its fields, and its JSON data reads back as the same model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline.core.errors import PrivacyTargetNotMet
from anonymization_pipeline.core.pipeline import stages
from anonymization_pipeline.core.pipeline.classification import classify_fields
from anonymization_pipeline.core.pipeline.report import build_report
from anonymization_pipeline.core.pipeline.report_model import Assessment
from anonymization_pipeline_tests.core.risk.policies import small_policy


def _candidate(frame: pd.DataFrame, k: int):
    policy = small_policy(["zip"], ["diagnosis"], privacy={"k": k, "max_suppression": 0.0})
    records = stages.ingest(frame, policy, source="a DataFrame")
    records = stages.protect_identifiers(records, classify_fields(list(frame.columns), policy), policy, None)
    records = stages.protect_sensitive(stages.generalize_quasi_identifiers(records, policy), policy, None)
    return records, policy


def test_the_assessment_is_typed_and_its_json_data_reads_back_as_the_same_model():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"zip": rng.integers(10000, 10040, 300).astype(str), "diagnosis": rng.choice(["flu", "cold"], 300)})
    records, policy = _candidate(frame, k=4)

    assessment = stages.assess(records, policy, raw=frame)

    assert isinstance(assessment, Assessment) and assessment.passed and assessment.failures == []
    assert assessment.risk.k_achieved >= 4
    assert [c.criterion for c in assessment.risk.criteria] == ["k"]
    assert Assessment.model_validate(assessment.model_dump(mode="json")) == assessment
    stages.release_gate(records, assessment)
    report = build_report(records, assessment, policy, output=None).to_dict()
    assert report["status"] == "published" and report["risk"]["k_achieved"] == assessment.risk.k_achieved


def test_a_failed_assessment_stops_the_gate_with_its_failures():
    frame = pd.DataFrame({"zip": [f"1{i:04d}" for i in range(20)], "diagnosis": ["flu"] * 20})
    policy = small_policy(["zip"], ["diagnosis"], privacy={"k": 2, "max_suppression": 0.0})
    records = stages.ingest(frame, policy, source="a DataFrame")
    records = stages.protect_identifiers(records, classify_fields(list(frame.columns), policy), policy, None)
    assessment = stages.assess(records, policy, raw=frame)

    assert not assessment.passed
    assert assessment.failures[0] == "k-anonymity: the smallest class has 1 records; the policy requires k = 2"
    with pytest.raises(PrivacyTargetNotMet, match="^not published: k-anonymity: the smallest class has 1 records"):
        stages.release_gate(records, assessment)
