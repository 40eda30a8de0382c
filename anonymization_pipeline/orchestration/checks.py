"""Asset checks for one dataset: one per target its policy sets on `risk_assessment`, described
by the target ("average prosecutor risk ≤ 0.05"), and the release's own checks on
`anonymized_dataset` (every input row accounted for, the schema, and no raw identifier leaked
when the policy has direct identifiers).

The gate itself is the publish stage (write–audit–publish), which stops the run with the unmet
targets as its one-line reason; the checks make each verdict visible where it belongs. A target
the policy does not set has no check. Each check is built by a small factory, so what backs its
verdict can change without touching the wiring.
"""

from __future__ import annotations

from typing import Any

import dagster as dg

from anonymization_pipeline.core.pipeline.report_model import Assessment
from anonymization_pipeline.core.policy import FieldClass
from anonymization_pipeline.core.reporting.targets import Target, policy_targets
from anonymization_pipeline.orchestration.assets import ANONYMIZED_DATASET, RISK_ASSESSMENT
from anonymization_pipeline.orchestration.dataset import DatasetSpec

RELEASE_EXPECTATIONS = {
    "row_reconciliation": (
        "expect_table_row_count_to_equal",
        "every input row is published or suppressed by rule",
    ),
    "no_raw_identifier_leaked": (
        "expect_column_values_to_not_contain_raw_identifiers",
        "no raw direct identifier appears in the published data",
    ),
    "published_schema": ("expect_table_columns_to_match_set", "the published columns are exactly the policy's"),
}


def build_checks(spec: DatasetSpec) -> list[dg.AssetChecksDefinition]:
    """Every check of the dataset: its targets on the assessment, the release checks on the output."""
    targets = [_target_check(spec, target) for target in policy_targets(spec.policy)]
    identifiers = spec.policy.fields_of(FieldClass.DIRECT_IDENTIFIER)
    release = [
        _release_check(spec, name, *entry)
        for name, entry in RELEASE_EXPECTATIONS.items()
        if name != "no_raw_identifier_leaked" or identifiers
    ]
    return targets + release


def _target_check(spec: DatasetSpec, target: Target) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=spec.key(RISK_ASSESSMENT), name=target.check, description=target.description)
    def check(risk_assessment: Assessment) -> dg.AssetCheckResult:
        risk = risk_assessment.risk.model_dump(mode="json")
        achieved = target.achieved(risk)
        metadata: dict[str, Any] = {"target": target.description, "limit": target.limit}
        if isinstance(achieved, int | float):
            metadata["achieved"] = achieved
        return dg.AssetCheckResult(
            passed=target.met(risk),
            metadata=metadata,
            description=f"achieved {achieved if achieved is not None else 'nothing measurable'}; {target.description}",
        )

    return check


def _release_check(spec: DatasetSpec, name: str, expectation: str, description: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=spec.key(ANONYMIZED_DATASET),
        name=name,
        description=f"{description} (Great Expectations: {expectation})",
        additional_ins={RISK_ASSESSMENT: dg.AssetIn(key=spec.key(RISK_ASSESSMENT))},
    )
    def check(risk_assessment: Assessment) -> dg.AssetCheckResult:
        return _expectation_verdict(risk_assessment, expectation)

    return check


def _expectation_verdict(risk_assessment: Assessment, expectation: str) -> dg.AssetCheckResult:
    results = [r for r in risk_assessment.validation.results if r["expectation"] == expectation]
    metadata = {
        "expectations_run": len(results),
        "statistics": dg.MetadataValue.json([{"columns": r["columns"], **r["statistics"]} for r in results]),
    }
    return dg.AssetCheckResult(passed=bool(results) and all(r["success"] for r in results), metadata=metadata)

