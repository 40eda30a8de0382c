"""Asset checks for one dataset: one per target its policy sets on `risk_assessment`, described
by the target ("average prosecutor risk ≤ 0.05"), and the release's own checks on
`anonymized_dataset` (every input row accounted for, the schema, and no raw identifier leaked
when the policy has direct identifiers).

The gate itself is the publish stage (write–audit–publish), which stops the run with the unmet
targets as its one-line reason; the checks make each verdict visible where it belongs. A target
the policy does not set has no check. The checks are evaluated in the step of the asset they
judge, from the assessment it holds: no step of their own, so no extra reads and Dagster events.
"""

from __future__ import annotations

from typing import Any

import dagster as dg

from anonymization_pipeline.core.pipeline.report_model import Assessment
from anonymization_pipeline.core.policy import FieldClass
from anonymization_pipeline.core.reporting.targets import policy_targets
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


def target_check_specs(spec: DatasetSpec, assessment_key: dg.AssetKey) -> list[dg.AssetCheckSpec]:
    """One check per target the policy sets, on the assessment, described by the target."""
    return [
        dg.AssetCheckSpec(target.check, asset=assessment_key, description=target.description)
        for target in policy_targets(spec.policy)
    ]


def target_check_results(spec: DatasetSpec, assessment_key: dg.AssetKey, assessment: Assessment) -> list[dg.AssetCheckResult]:
    risk = assessment.risk.model_dump(mode="json")
    results = []
    for target in policy_targets(spec.policy):
        achieved = target.achieved(risk)
        metadata: dict[str, Any] = {"target": target.description, "limit": target.limit}
        if isinstance(achieved, int | float):
            metadata["achieved"] = achieved
        results.append(
            dg.AssetCheckResult(
                asset_key=assessment_key,
                check_name=target.check,
                passed=target.met(risk),
                metadata=metadata,
                description=f"achieved {achieved if achieved is not None else 'nothing measurable'}; {target.description}",
            )
        )
    return results


def _release_expectations(spec: DatasetSpec) -> dict[str, tuple[str, str]]:
    """The release's checks; the leak check only when the policy has direct identifiers to leak."""
    identifiers = spec.policy.fields_of(FieldClass.DIRECT_IDENTIFIER)
    return {name: entry for name, entry in RELEASE_EXPECTATIONS.items() if name != "no_raw_identifier_leaked" or identifiers}


def release_check_specs(spec: DatasetSpec, published_key: dg.AssetKey) -> list[dg.AssetCheckSpec]:
    """The release's checks on the published asset, named by what they assure."""
    return [
        dg.AssetCheckSpec(
            name, asset=published_key, description=f"{description} (Great Expectations: {expectation})"
        )
        for name, (expectation, description) in _release_expectations(spec).items()
    ]


def release_check_results(spec: DatasetSpec, published_key: dg.AssetKey, assessment: Assessment) -> list[dg.AssetCheckResult]:
    """The verdicts of the release's checks: the Great Expectations results the assessment recorded."""
    results = []
    for name, (expectation, _) in _release_expectations(spec).items():
        found = [r for r in assessment.validation.results if r["expectation"] == expectation]
        results.append(
            dg.AssetCheckResult(
                asset_key=published_key,
                check_name=name,
                passed=bool(found) and all(r["success"] for r in found),
                metadata={
                    "expectations_run": len(found),
                    "statistics": dg.MetadataValue.json([{"columns": r["columns"], **r["statistics"]} for r in found]),
                },
            )
        )
    return results
