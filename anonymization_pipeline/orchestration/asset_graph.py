"""Which stages a policy gets: its input read whole, or read by day and then united."""

import dagster as dg

from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.orchestration.assets import PIPELINE_ASSETS
from anonymization_pipeline.orchestration.daily_assets import daily_ingestion


def pipeline_assets(policy: Policy) -> list[dg.AssetsDefinition]:
    daily = policy.dataset.daily_partitions
    if daily is None:
        return PIPELINE_ASSETS
    return [*daily_ingestion(daily), *PIPELINE_ASSETS[1:]]
