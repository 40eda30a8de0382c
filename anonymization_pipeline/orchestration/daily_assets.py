"""Ingestion by day, for a policy whose input arrives by date (`dataset.daily_partitions`).

`daily_arrivals` has one partition per day; `raw_records` becomes the union of every day stored
so far, and everything after it stays unpartitioned: the privacy search, the risk assessment and
the publish gate judge the whole release, never one day's slice of it.
"""

from pathlib import Path

import dagster as dg

from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.core.io import describe_location
from anonymization_pipeline.core.io.daily_inputs import day_location, expired_days, parse_day, read_day
from anonymization_pipeline.core.pipeline import StageOutput, stages
from anonymization_pipeline.core.policy.model import DailyPartitions
from anonymization_pipeline.orchestration.assets import (
    DAILY_ARRIVALS,
    KEYS,
    RAW_RECORDS,
    STAGE_IO,
    audit_metadata,
    dataset_settings,
    fingerprint_key,
    stage_options,
    stage_policy,
)
from anonymization_pipeline.orchestration.dataset import DatasetSpec
from anonymization_pipeline.orchestration.failures import one_line_failures
from anonymization_pipeline.orchestration.retention import purge_expired_days

UNION = (
    dg.AutomationCondition.eager().without(~dg.AutomationCondition.any_deps_missing())
    & dg.AutomationCondition.all_deps_blocking_checks_passed()
)
"""The union follows each new day, like the other downstream stages, but without waiting for
every earlier day to exist: a day that never arrived must not hold back the days that did."""


def daily_partitions_definition(daily: DailyPartitions) -> dg.DailyPartitionsDefinition:
    end = daily.end_date.isoformat() if daily.end_date is not None else None
    return dg.DailyPartitionsDefinition(start_date=daily.start_date.isoformat(), end_date=end, timezone="UTC")


def daily_ingestion(spec: DatasetSpec, daily: DailyPartitions) -> list[dg.AssetsDefinition]:
    @dg.asset(
        name=DAILY_ARRIVALS,
        **stage_options(spec, "pandas", spec.policy.dataset.input.format, first=True, resources=(KEYS,)),
        partitions_def=daily_partitions_definition(daily),
        io_manager_key=STAGE_IO,
    )
    def daily_arrivals(context: dg.AssetExecutionContext) -> StageOutput:
        """The rows that arrived on one day, as read. Encrypted at rest, kept for later unions."""
        with one_line_failures():
            policy = stage_policy(context, spec)
            if policy.dataset.daily_partitions is None:
                raise ConfigurationError("this run's policy has no dataset.daily_partitions, but the code location's has")
            day = parse_day(context.partition_key)
            window = policy.retention.daily_arrivals_seconds
            if window is not None and expired_days([context.partition_key], window):
                raise ConfigurationError(f"{day} is past retention.daily_arrivals ({policy.retention.daily_arrivals}); not read")
            location = dataset_settings(context, spec).input_location(policy)
            frame = read_day(location, policy.dataset.daily_partitions, day)
            source = describe_location(day_location(location, day))
            records = stages.ingest(frame, policy, source, fingerprint_key(context.resources.keys))
        context.log.info(f"read {len(frame)} rows of {day} from {source}")
        context.add_output_metadata(audit_metadata(context, policy, records.audits[RAW_RECORDS]))
        return records

    @dg.asset(
        name=RAW_RECORDS,
        **stage_options(spec, "pandas", first=True, resources=(KEYS, STAGE_IO)),
        ins={DAILY_ARRIVALS: dg.AssetIn(key=spec.key(DAILY_ARRIVALS), partition_mapping=dg.AllPartitionMapping())},
        io_manager_key=STAGE_IO,
        automation_condition=UNION,
    )
    def raw_records(context: dg.AssetExecutionContext, daily_arrivals: dict[str, StageOutput]) -> StageOutput:
        """Every day stored so far, as one table: what the privacy search and risk assessment judge.

        Stored days past `retention.daily_arrivals` are deleted here and left out, so the release
        covers a rolling window of days.
        """
        with one_line_failures():
            policy = stage_policy(context, spec)
            window = policy.retention.daily_arrivals_seconds
            stored = Path(context.resources.stage_io_manager.base_dir).joinpath(*spec.key(DAILY_ARRIVALS).path)
            expired = purge_expired_days(stored, window) if window is not None else []
            kept = {day: records for day, records in daily_arrivals.items() if day not in expired}
            location = dataset_settings(context, spec).input_location(policy)
            records = stages.union_of_days(kept, policy, location, fingerprint_key(context.resources.keys), expired)
        context.log.info(f"united {len(kept)} days into {len(records.frame)} rows" + (f"; {len(expired)} days expired" if expired else ""))
        context.add_output_metadata(audit_metadata(context, policy, records.audits[RAW_RECORDS]))
        return records

    return [daily_arrivals, raw_records]
