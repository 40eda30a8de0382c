"""Each dataset's schedule (its policy's `schedule:`, 02:00 UTC unless it says otherwise), and
the automation that lets downstream stages follow an upstream materialization; both RUNNING
from the start so a newcomer sees them work."""

from __future__ import annotations

from typing import TYPE_CHECKING

import dagster as dg

from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.orchestration.dataset import DatasetSpec

if TYPE_CHECKING:
    from dagster._core.definitions.partitions.partitioned_schedule import UnresolvedPartitionedAssetScheduleDefinition


def schedule_name(spec: DatasetSpec) -> str:
    return f"{spec.name}_schedule"


def build_schedule(
    spec: DatasetSpec, job: dg.UnresolvedAssetJobDefinition
) -> dg.ScheduleDefinition | UnresolvedPartitionedAssetScheduleDefinition:
    """On the policy's cron in its time zone. For an input that arrives by day, each run reads the
    day that just ended and publishes the union of every day read so far."""
    schedule = spec.policy.schedule
    if spec.policy.dataset.daily_partitions is not None:
        daily_time = schedule.hour_and_minute
        if daily_time is None or schedule.timezone != "UTC":
            raise ConfigurationError(
                f"{spec.policy_path}: an input read by UTC day runs once a day after the day ends; "
                f"give schedule as {{cron: 'M H * * *', timezone: UTC}}, not '{schedule.cron}' in {schedule.timezone}"
            )
        return dg.build_schedule_from_partitioned_job(
            job,
            name=schedule_name(spec),
            hour_of_day=daily_time[0],
            minute_of_hour=daily_time[1],
            description=f"Reads the day that just ended and publishes {spec.name} ({schedule.cron}, {schedule.timezone}).",
            default_status=dg.DefaultScheduleStatus.RUNNING,
        )
    return dg.ScheduleDefinition(
        name=schedule_name(spec),
        job=job,
        cron_schedule=schedule.cron,
        execution_timezone=schedule.timezone,
        description=f"Publishes {spec.name} again from its input ({schedule.cron}, {schedule.timezone}).",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )


stage_automation = dg.AutomationConditionSensorDefinition(
    "stage_automation",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Lets each dataset's downstream stages follow a new upstream materialization.",
)
