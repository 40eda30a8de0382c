"""The `synthetic_dataset` asset: a synthetic copy of `raw_records`, beside `anonymized_dataset`.

One core call builds and evaluates the candidate; each target is a blocking check of the asset,
reported before anything is written; the table is published (write–audit–publish) only when all
of them passed, otherwise the step fails with PrivacyTargetNotMet and the last good output stays.
A `dp_marginals` run is charged to the budget ledger under the Dagster run id.
"""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from anonymization_pipeline.core.errors import ConfigurationError, PrivacyTargetNotMet
from anonymization_pipeline.core.io import AnyLocation
from anonymization_pipeline.core.pipeline import StageOutput
from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.synthetic import (
    build_candidate,
    publish_synthetic,
    report_synthetic_rejection,
    synthetic_report_folder,
)
from anonymization_pipeline.core.synthetic.evaluation import TARGETS
from anonymization_pipeline.orchestration.assets import RAW_RECORDS, CODE_VERSION, audit_metadata, dataset_settings, stage_policy
from anonymization_pipeline.orchestration.dataset import DatasetSpec

SYNTHETIC_GROUP = "synthetic"
SYNTHETIC_DATASET = "synthetic_dataset"
CHECK_DESCRIPTIONS = {
    "quality": "SDMetrics quality (column shapes and pair trends) against the training rows",
    "column_shapes": "1 − KS / 1 − TVD per column, averaged",
    "pair_trends": "correlation and contingency similarity per pair, averaged",
    "ml_utility": "a model trained on synthetic rows, scored on the real hold-out",
    "dcr_ratio": "distance to the closest training row: synthetic rows against real hold-out rows",
    "unique_copies": "copies of rows unique in training: synthetic share over the hold-out's",
    "membership_inference": "AUC of telling training rows from hold-out rows by distance to the synthetic rows",
}


def synthetic_assets(spec: DatasetSpec) -> list[dg.AssetsDefinition]:
    """The dataset's synthetic asset when its policy has a `synthetic:` section, else nothing.

    It sits in a group of its own (`<dataset>_synthetic`), so the dataset's job and schedule do
    not synthesize on every run: a synthesis is materialized when someone asks for it."""
    if spec.policy.synthetic is None:
        return []
    key = spec.key(SYNTHETIC_DATASET)

    @dg.asset(
        key=key,
        group_name=f"{spec.name}_{SYNTHETIC_GROUP}",
        code_version=CODE_VERSION,
        kinds={"parquet"},
        owners=list(spec.policy.owners),
        tags=spec.tags,
        required_resource_keys={spec.settings_key},
        ins={"raw_records": dg.AssetIn(key=spec.key(RAW_RECORDS))},
        check_specs=[
            dg.AssetCheckSpec(check, asset=key, blocking=True, description=CHECK_DESCRIPTIONS[check])
            for check, _ in TARGETS.values()
        ],
    )
    def synthetic_dataset(
        context: dg.AssetExecutionContext, raw_records: StageOutput
    ) -> Iterator[dg.AssetCheckResult | dg.MaterializeResult]:
        """A synthetic table drawn from a model of the raw records, published only when it keeps the
        statistics and copies no one, both measured against a real hold-out (see the report)."""
        settings = dataset_settings(context, spec)
        policy = stage_policy(context, spec)
        output = _output(policy)
        report_dir = synthetic_report_folder(output, Path(settings.report_dir) / "synthetic" if settings.report_dir else None)
        candidate = build_candidate(raw_records.frame, policy, seed=policy.synthetic.seed, run_id=context.run_id)
        verdicts = {check.check: check for check in candidate.checks}
        for check, _ in TARGETS.values():
            verdict = verdicts.get(check)
            if verdict is None:
                yield dg.AssetCheckResult(check_name=check, passed=True, metadata={"configured": False})
                continue
            metadata = {"value": verdict.value, "bound": verdict.bound, "target": verdict.target}
            yield dg.AssetCheckResult(check_name=check, passed=verdict.passed, metadata=metadata)
        if not candidate.passed:
            report_synthetic_rejection(candidate, report_dir)
            raise PrivacyTargetNotMet("not published: " + "; ".join(candidate.failures))
        report = publish_synthetic(candidate, output, report_dir)
        yield dg.MaterializeResult(metadata=audit_metadata(context, policy, report) | _budget_metadata(report))

    return [synthetic_dataset]


def _budget_metadata(report: dict) -> dict[str, float]:
    """ε of this release and what the period has left, as numbers the UI plots across materializations."""
    budget = report["privacy_budget"]
    if budget is None:
        return {}
    return {"epsilon_released": budget["epsilon"], "epsilon_remaining": budget["epsilon_remaining_in_period"]}


def _output(policy: Policy) -> AnyLocation:
    if policy.synthetic.output is None:
        raise ConfigurationError("synthetic.output is not set: the synthetic_dataset asset needs a place to publish")
    return policy.synthetic.output
