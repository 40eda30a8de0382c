"""Which stages a dataset gets: its input read whole, or read by day and then united."""

import dagster as dg

from anonymization_pipeline.orchestration.assets import build_downstream_assets, build_pipeline_assets, OUTPUT_KINDS
from anonymization_pipeline.orchestration.daily_assets import daily_ingestion
from anonymization_pipeline.orchestration.dataset import DatasetSpec


def pipeline_assets(spec: DatasetSpec) -> list[dg.AssetsDefinition]:
    daily = spec.policy.dataset.daily_partitions
    if daily is None:
        return build_pipeline_assets(spec)
    output_kind = OUTPUT_KINDS[spec.policy.dataset.output.format]
    return [*daily_ingestion(spec, daily), *build_downstream_assets(spec, output_kind)]
