"""A daily run of the whole graph, and the automation that lets downstream stages follow an
upstream materialization; both RUNNING from the start so a newcomer sees them work."""

import dagster as dg

from anonymization_pipeline.orchestration.assets import GROUP
from anonymization_pipeline.orchestration.jobs import anonymization_job

daily_anonymization = dg.ScheduleDefinition(
    name="daily_anonymization",
    job=anonymization_job,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

stage_automation = dg.AutomationConditionSensorDefinition(
    "stage_automation",
    target=dg.AssetSelection.groups(GROUP),
    default_status=dg.DefaultSensorStatus.RUNNING,
)
