"""The whole pipeline in-process, without Dagster: for notebooks, tests and benchmarks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from anonymization_pipeline.core.pipeline import stages
from anonymization_pipeline.core.pipeline.classification import classify_fields
from anonymization_pipeline.core.pipeline.report import build_report
from anonymization_pipeline.core.policy import Policy

if TYPE_CHECKING:
    from anonymization_pipeline.core.keys import KeyProvider


@dataclass(frozen=True)
class Result:
    data: pd.DataFrame
    report: dict[str, Any]


def anonymize(frame: pd.DataFrame, policy: Policy, keys: KeyProvider | None = None) -> Result:
    """Run the same stages the Dagster assets run, and return the publishable frame and report.

    Raises PrivacyTargetNotMet when the targets are not met: nothing unsafe is ever returned. It
    runs the policy as written and does not take `retry.ladder` (`anonymize run` and the
    escalation sensor do).

    >>> result = anonymize(load_adult(), Policy.from_yaml("examples/policies/adult.yaml"))  # doctest: +SKIP
    >>> result.report["privacy"]["k_achieved"] >= 5  # doctest: +SKIP
    True
    """
    records = stages.ingest(frame, policy, source="a DataFrame")
    classification = classify_fields(list(frame.columns), policy)
    records = stages.protect_identifiers(records, classification, policy, keys)
    records = stages.generalize_quasi_identifiers(records, policy)
    records = stages.protect_sensitive(records, policy, keys)
    assessment = stages.assess(records, policy, raw=frame)
    stages.release_gate(records, assessment)
    return Result(records.frame, build_report(records, assessment, policy, output=None).to_dict())
