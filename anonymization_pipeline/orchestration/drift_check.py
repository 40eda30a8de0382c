"""A non-blocking check on the field classification: does the input still hold what the policy
says it holds? It profiles a sample of the run's raw records (`core.profiling.drift`) and warns
about each column declared weaker than its values show, and each column the policy does not list.

Evaluated in the `field_classification` step, which reads the raw records anyway.
"""


import dagster as dg
import pandas as pd

from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.profiling.drift import classification_drift

CHECK_NAME = "classification_drift"


def drift_check_spec(classification_key: dg.AssetKey) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        CHECK_NAME,
        asset=classification_key,
        blocking=False,
        description="Warns when a column's values call for a stronger class than the policy declares, or a column is new",
    )


def drift_check_result(classification_key: dg.AssetKey, frame: pd.DataFrame, policy: Policy) -> dg.AssetCheckResult:
    """The check's verdict on the run's raw records, a warning at most."""
    report = classification_drift(frame, policy)
    return dg.AssetCheckResult(
        asset_key=classification_key,
        check_name=CHECK_NAME,
        passed=not report.findings,
        severity=dg.AssetCheckSeverity.WARN,
        description="; ".join(finding.describe() for finding in report.findings) or "no drift",
        metadata={
            "columns_profiled": report.columns_profiled,
            "sample_size": report.sample_size,
            "columns_drifted": len(report.findings),
            "findings": dg.MetadataValue.json(report.as_dict()["findings"]),
        },
    )
