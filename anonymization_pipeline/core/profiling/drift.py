"""Drift between a policy and the data it runs on: columns whose values call for more protection
than their declared class gives, and columns the policy does not know.

This is a warning for a reviewer, never a stop: the pipeline already fails closed on unknown
columns (`unlisted_columns: reject`), and a declared class stays the user's decision. Findings
name columns, classes, kinds and confidences only, never a value.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.profiling.kinds import CLASS_STRENGTH
from anonymization_pipeline.core.profiling.sampling import DEFAULT_SAMPLE_SIZE
from anonymization_pipeline.core.profiling.table_profile import profile_frame

MIN_CONFIDENCE = 0.6
"""Below this, a detected class is too unsure to raise against a declared one."""


@dataclass(frozen=True)
class DriftFinding:
    column: str
    declared: str | None
    """The class the policy declares; None for a column the policy does not list."""
    detected: str
    kind: str
    confidence: float

    def describe(self) -> str:
        if self.declared is None:
            return f"'{self.column}' is not in the policy; its values look like {self.kind} ({self.detected})"
        return (
            f"'{self.column}' is declared {self.declared}, but its values look like {self.kind} "
            f"({self.detected}, confidence {self.confidence:.2f})"
        )


@dataclass(frozen=True)
class DriftReport:
    columns_profiled: int
    sample_size: int
    findings: list[DriftFinding]

    def as_dict(self) -> dict[str, object]:
        return {
            "columns_profiled": self.columns_profiled,
            "sample_size": self.sample_size,
            "findings": [asdict(finding) for finding in self.findings],
        }


def classification_drift(
    frame: pd.DataFrame, policy: Policy, sample_size: int = DEFAULT_SAMPLE_SIZE, seed: int = 0
) -> DriftReport:
    """Profile a sample of `frame` and compare each column with the policy.

    >>> report = classification_drift(frame, policy)  # doctest: +SKIP
    >>> [finding.describe() for finding in report.findings]  # doctest: +SKIP
    ["'notes' is declared non_sensitive, but its values look like email (direct_identifier, confidence 0.90)"]
    """
    profile = profile_frame(frame, sample_size, seed)
    findings = []
    for column in profile.columns:
        declared = policy.fields.get(column.name)
        if declared is None:
            findings.append(DriftFinding(column.name, None, column.field_class.value, column.kind.value, column.confidence))
        elif CLASS_STRENGTH[column.field_class] > CLASS_STRENGTH[declared.field_class] and column.confidence >= MIN_CONFIDENCE:
            findings.append(
                DriftFinding(
                    column.name,
                    declared.field_class.value,
                    column.field_class.value,
                    column.kind.value,
                    column.confidence,
                )
            )
    return DriftReport(len(profile.columns), sample_size, findings)
