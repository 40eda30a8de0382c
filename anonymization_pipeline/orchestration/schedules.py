"""A daily run of the whole graph, RUNNING from the start so a newcomer sees it work."""

import dagster as dg

from anonymization_pipeline.orchestration.jobs import anonymization_job

daily_anonymization = dg.ScheduleDefinition(
    name="daily_anonymization",
    job=anonymization_job,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
