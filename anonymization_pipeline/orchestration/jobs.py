"""The one job: every stage of the pipeline, the target of the schedule and the escalation sensor."""

import dagster as dg

from anonymization_pipeline.orchestration.assets import GROUP

anonymization_job = dg.define_asset_job(
    "anonymization_pipeline",
    selection=dg.AssetSelection.groups(GROUP),
    description="Ingest, protect, generalize, assess and publish under the configured policy.",
)
