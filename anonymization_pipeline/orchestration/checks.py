"""Blocking asset checks on the risk assessment, one per target, each backed by the Great
Expectations suite the assessment ran (statistics only, never values).

The gate itself is inside the stages (write–audit–publish); these checks make each target
visible in the UI and stop downstream materialization when one fails.
"""

import dagster as dg

from anonymization_pipeline.core.pipeline.report_model import Assessment
from anonymization_pipeline.core.privacy.criteria import REGISTRY
from anonymization_pipeline.orchestration.assets import risk_assessment

EXPECTATIONS = {
    "no_raw_identifier_leaked": "expect_column_values_to_not_contain_raw_identifiers",
    "published_schema": "expect_table_columns_to_match_set",
    "row_reconciliation": "expect_table_row_count_to_equal",
}
CRITERION_CHECKS = {"k_anonymity" if section == "k" else section: section for section in REGISTRY}
"""One check per registered privacy criterion, named after its policy section (k: k_anonymity)."""


def _expectation_check(name: str, expectation: str, criterion: str | None = None) -> dg.AssetChecksDefinition:
    described = f"privacy criterion '{criterion}' ({expectation})" if criterion else expectation

    @dg.asset_check(asset=risk_assessment, name=name, blocking=True, description=f"Great Expectations: {described}")
    def check(risk_assessment: Assessment) -> dg.AssetCheckResult:
        results = [
            r
            for r in risk_assessment.validation.results
            if r["expectation"] == expectation and r.get("criterion") == criterion
        ]
        metadata = {
            "expectations_run": len(results),
            "statistics": dg.MetadataValue.json([{"columns": r["columns"], **r["statistics"]} for r in results]),
        }
        if not results:
            return dg.AssetCheckResult(passed=True, metadata=metadata | {"configured": False})
        return dg.AssetCheckResult(passed=all(r["success"] for r in results), metadata=metadata)

    return check


@dg.asset_check(asset=risk_assessment, blocking=True, description="Prosecutor, average and records-at-risk thresholds")
def risk_thresholds(risk_assessment: Assessment) -> dg.AssetCheckResult:
    risk = risk_assessment.risk
    prosecutor = risk.prosecutor
    return dg.AssetCheckResult(
        passed=risk.passed,
        metadata={
            "highest_prosecutor_risk": prosecutor.get("highest_risk"),
            "average_prosecutor_risk": prosecutor.get("average_risk"),
            "records_at_risk": prosecutor.get("records_at_risk"),
            "unmet": dg.MetadataValue.json(risk.failures),
        },
    )


PIPELINE_CHECKS = (
    [_expectation_check(name, "expect_privacy_criterion", section) for name, section in CRITERION_CHECKS.items()]
    + [_expectation_check(name, expectation) for name, expectation in EXPECTATIONS.items()]
    + [risk_thresholds]
)
