"""A policy file as a Dagster component: one instance, one dataset's assets, checks, job,
schedule and escalation sensor.

The code location instantiates it for every policy in its folder. A `dg` project can declare the
same in a `defs.yaml`:

    type: anonymization_pipeline.orchestration.policy_component.PolicyComponent
    attributes:
      policy: ../../policies/adult.yaml
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from anonymization_pipeline.orchestration.asset_graph import pipeline_assets
from anonymization_pipeline.orchestration.dataset import DatasetSpec
from anonymization_pipeline.orchestration.dp_assets import dp_definitions
from anonymization_pipeline.orchestration.environment import dataset_settings_resources
from anonymization_pipeline.orchestration.jobs import build_job
from anonymization_pipeline.orchestration.schedules import build_schedule
from anonymization_pipeline.orchestration.sensors import build_escalation_sensor
from anonymization_pipeline.orchestration.synthetic_assets import synthetic_assets


class PolicyComponent(dg.Component, dg.Model, dg.Resolvable):
    """One dataset of the code location, from its policy file (relative: to the component's folder)."""

    policy: str

    def build_defs(self, context: dg.ComponentLoadContext) -> dg.Definitions:
        path = Path(self.policy)
        if not path.is_absolute():
            path = (context.path if context.path.is_dir() else context.path.parent) / path
        return dataset_definitions(DatasetSpec.load(str(path)))


def dataset_definitions(spec: DatasetSpec) -> dg.Definitions:
    if spec.policy.engine == "spark":
        from anonymization_pipeline.orchestration.spark_resources import spark_dataset_definitions  # pyspark only here

        return spark_dataset_definitions(spec)
    job = build_job(spec)
    dp_assets, dp_checks = dp_definitions(spec)
    return dg.Definitions(
        assets=[*pipeline_assets(spec), *synthetic_assets(spec), *dp_assets],
        asset_checks=dp_checks,
        jobs=[job],
        schedules=[build_schedule(spec, job)],
        sensors=[build_escalation_sensor(spec, job)],
        resources=dataset_settings_resources([spec]),
    )
