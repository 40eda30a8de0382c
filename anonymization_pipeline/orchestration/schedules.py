"""A daily run of the whole graph, and the automation that lets downstream stages follow an
upstream materialization; both RUNNING from the start so a newcomer sees them work."""

from __future__ import annotations

from typing import TYPE_CHECKING

import dagster as dg

from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.orchestration.assets import GROUP

if TYPE_CHECKING:
    from dagster._core.definitions.partitions.partitioned_schedule import UnresolvedPartitionedAssetScheduleDefinition

SCHEDULE = "daily_anonymization"
AT_HOUR = 2


def build_daily_schedule(
    job: dg.UnresolvedAssetJobDefinition, policy: Policy
) -> dg.ScheduleDefinition | UnresolvedPartitionedAssetScheduleDefinition:
    """At 02:00 UTC. For an input that arrives by day, each run reads the day that just ended and
    publishes the union of every day read so far."""
    if policy.dataset.daily_partitions is not None:
        return dg.build_schedule_from_partitioned_job(
            job, name=SCHEDULE, hour_of_day=AT_HOUR, default_status=dg.DefaultScheduleStatus.RUNNING
        )
    return dg.ScheduleDefinition(
        name=SCHEDULE,
        job=job,
        cron_schedule=f"0 {AT_HOUR} * * *",
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )


stage_automation = dg.AutomationConditionSensorDefinition(
    "stage_automation",
    target=dg.AssetSelection.groups(GROUP),
    default_status=dg.DefaultSensorStatus.RUNNING,
)
