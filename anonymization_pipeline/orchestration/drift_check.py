"""A non-blocking check on the field classification: does the input still hold what the policy
says it holds? It profiles a sample of the run's raw records (`core.profiling.drift`) and warns
about each column declared weaker than its values show, and each column the policy does not list.

Built per dataset, over its prefixed asset keys and its own settings resource.
"""


import dagster as dg

from anonymization_pipeline.core.pipeline import StageOutput
from anonymization_pipeline.core.profiling.drift import classification_drift
from anonymization_pipeline.orchestration.dataset import DatasetSpec

CHECK_NAME = "classification_drift"


def build_drift_check(spec: DatasetSpec) -> dg.AssetChecksDefinition:
    """The drift check on the dataset's `field_classification`, reading its raw table."""

    @dg.asset_check(
        asset=spec.key("field_classification"),
        name=CHECK_NAME,
        blocking=False,
        additional_ins={"raw_records": dg.AssetIn(key=spec.key("raw_records"))},
        required_resource_keys={spec.settings_key},
        description="Warns when a column's values call for a stronger class than the policy declares, or a column is new",
    )
    def classification_drift_check(context: dg.AssetCheckExecutionContext, raw_records: StageOutput) -> dg.AssetCheckResult:
        report = classification_drift(raw_records.frame, getattr(context.resources, spec.settings_key).policy())
        return dg.AssetCheckResult(
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

    return classification_drift_check
