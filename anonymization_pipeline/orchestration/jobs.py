"""A job per dataset: every stage of its group, the target of its schedule and its escalation."""

from __future__ import annotations

import dagster as dg

from anonymization_pipeline.orchestration.dataset import DatasetSpec


def build_job(spec: DatasetSpec) -> dg.UnresolvedAssetJobDefinition:
    return dg.define_asset_job(
        spec.job_name,
        selection=dg.AssetSelection.groups(spec.name),
        description=f"Ingest, protect, generalize, assess and publish {spec.name} under {spec.policy_path}.",
        tags={"dataset": spec.name},
    )
