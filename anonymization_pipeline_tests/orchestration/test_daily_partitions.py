"""Input that arrives by day: each day read into its own partition, the release judged over their union."""

from __future__ import annotations

import datetime
import json
import shutil

import dagster as dg
import pandas as pd
import pytest

from anonymization_pipeline.core.datasets import ADULT_QUASI_IDENTIFIERS
from anonymization_pipeline.orchestration import run_tags
from anonymization_pipeline.orchestration.assets import STAGES
from anonymization_pipeline.orchestration.daily_assets import UNION
from anonymization_pipeline.orchestration.definitions import build_definitions
from anonymization_pipeline.orchestration.environment import build_resources, default_storage_dir
from anonymization_pipeline.orchestration.in_process import ingest_days, materialize_pipeline
from anonymization_pipeline.orchestration.sensors import failed_checks

# The whole of Adult gives this transformation at k=5 without suppression (test_assets).
WHOLE_ADULT_TRANSFORMATION = [1, 1, 1, 2, 3, 2, 2, 1, 1]
DAYS = ["2026-11-01", "2026-11-02", "2026-11-03"]
UNION_STAGES = list(STAGES)
"""Every stage but the daily reads: `raw_records` (the union) and what follows it."""


def key(asset: str) -> dg.AssetKey:
    return dg.AssetKey(["adult", asset])


def metadata_of(instance: dg.DagsterInstance, asset: str) -> dict:
    event = instance.get_latest_materialization_event(key(asset))
    return {key: value.value for key, value in event.asset_materialization.metadata.items()}


def test_each_day_is_read_alone_and_the_release_is_judged_over_their_union(daily_adult_policy_file, tmp_path):
    resources = build_resources(str(daily_adult_policy_file()))
    instance = dg.DagsterInstance.get()

    assert ingest_days(resources, instance, ["2026-11-01"]) is None
    assert materialize_pipeline(resources, instance, selection=UNION_STAGES).success
    assert metadata_of(instance, "raw_records")["days"] == {"2026-11-01": 15_000}
    assert len(pd.read_parquet(tmp_path / "out" / "adult.parquet")) == 15_000

    assert ingest_days(resources, instance, ["2026-11-02", "2026-11-03"]) is None
    assert metadata_of(instance, "daily_arrivals")["dagster/row_count"] == 3
    run = materialize_pipeline(resources, instance, selection=UNION_STAGES)

    assert run.success, run.error_message
    assert instance.get_materialized_partitions(key("daily_arrivals")) == set(DAYS)
    raw = metadata_of(instance, "raw_records")
    assert raw["days"] == {"2026-11-01": 15_000, "2026-11-02": 15_159, "2026-11-03": 3}
    assert raw["dagster/row_count"] == 30_162 and raw["source"] == "3 days, 2026-11-01 to 2026-11-03"
    privacy = metadata_of(instance, "quasi_identifiers_generalized")["privacy"]
    assert [privacy["transformation"][c] for c in ADULT_QUASI_IDENTIFIERS] == WHOLE_ADULT_TRANSFORMATION
    output = pd.read_parquet(tmp_path / "out" / "adult.parquet")
    assert len(output) == 30_162
    assert output.groupby(ADULT_QUASI_IDENTIFIERS).size().min() >= 5
    report = json.loads((tmp_path / "out" / "report" / "report.json").read_text())
    assert report["rows"]["rows_in"] == 30_162


def test_a_missing_day_fails_alone_and_the_days_read_stay(daily_adult_policy_file):
    resources = build_resources(str(daily_adult_policy_file()))
    instance = dg.DagsterInstance.get()
    assert ingest_days(resources, instance, ["2026-11-01"]) is None

    failed = ingest_days(resources, instance, ["2026-11-04", "2026-11-02"])

    assert (failed.failed_step, failed.error_class) == ("adult__daily_arrivals", "InputDataError")
    assert "adult_2026-11-04.csv" in failed.error_message
    assert instance.get_materialized_partitions(key("daily_arrivals")) == {"2026-11-01"}


def test_a_day_cannot_be_read_in_place_of_another(daily_adult_policy_file):
    resources = build_resources(str(daily_adult_policy_file()))
    instance = dg.DagsterInstance.get()
    assert ingest_days(resources, instance, ["2026-11-01", "2026-11-03"]) is None
    stored = default_storage_dir() / "adult" / "daily_arrivals"
    shutil.copy(stored / "2026-11-01.parquet.sealed", stored / "2026-11-03.parquet.sealed")

    run = materialize_pipeline(resources, instance, selection=UNION_STAGES)

    assert not run.success and run.failed_step == "adult__raw_records"
    assert run.error_message.endswith(
        "2026-11-03.parquet.sealed cannot be decrypted with key storage:v1: "
        "wrong key, altered file, or a file of another run, stage or day"
    )


def test_the_location_gets_daily_partitions_a_daily_schedule_and_a_union_that_follows_each_day(daily_adult_policy_file):
    defs = build_definitions([str(daily_adult_policy_file())])
    graph = defs.resolve_asset_graph()
    arrivals = graph.get(key("daily_arrivals"))
    assert arrivals.partitions_def.get_partition_keys() == ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04"]
    assert graph.get(key("raw_records")).partitions_def is None
    assert graph.get(key("raw_records")).automation_condition == UNION
    assert graph.get(key("anonymized_dataset")).partitions_def is None

    schedule = defs.resolve_schedule_def("adult_schedule")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    tick = datetime.datetime(2026, 11, 4, 2, tzinfo=datetime.UTC)
    with dg.build_schedule_context(scheduled_execution_time=tick, repository_def=defs.get_repository_def()) as context:
        requests = schedule.evaluate_tick(context).run_requests
    assert [request.partition_key for request in requests] == ["2026-11-03"]


@pytest.mark.parametrize(
    ("days_read_first", "first_run", "partition"),
    [
        (["2026-11-01", "2026-11-02"], {"partition_key": "2026-11-03"}, "2026-11-03"),
        (DAYS, {"asset_selection": [key(name) for name in UNION_STAGES]}, None),
    ],
    ids=["a day's run", "a run of the union alone"],
)
def test_a_failed_run_escalates_with_its_day_and_its_assets(daily_adult_policy_file, days_read_first, first_run, partition):
    """A run fails its risk target; each next attempt repeats the same day (or none, for a run of
    the union stages alone, as automation launches them) and the same assets, one rung up."""
    policy = daily_adult_policy_file(risk={"max_prosecutor_risk": 0.1}, retry={"max_attempts": 4, "ladder": [{"k": 6}, {"k": 7}]})
    defs = build_definitions([str(policy)])
    instance = dg.DagsterInstance.ephemeral()
    assert ingest_days(build_resources(str(policy)), instance, days_read_first) is None
    job = defs.resolve_job_def("anonymize_adult")
    sensor = defs.resolve_sensor_def("adult_escalation")

    job.execute_in_process(instance=instance, raise_on_error=False, **first_run)
    cursor = None
    for _ in range(4):
        context = dg.build_sensor_context(instance=instance, cursor=cursor, definitions=defs)
        requests = list(sensor(context) or [])
        cursor = context.cursor
        for request in requests:
            job.execute_in_process(
                instance=instance,
                partition_key=request.partition_key,
                asset_selection=request.asset_selection,
                tags=request.tags,
                raise_on_error=False,
            )

    runs = sorted(
        instance.get_runs(filters=dg.RunsFilter(job_name="anonymize_adult")),
        key=lambda run: int(run.tags.get(run_tags.ATTEMPT, "1")),
    )
    assert [run.tags.get(run_tags.ATTEMPT, "1") for run in runs] == ["1", "2", "3"]
    assert [run.tags.get("dagster/partition") for run in runs] == [partition] * 3
    assert [run.status for run in runs] == [dg.DagsterRunStatus.FAILURE] * 2 + [dg.DagsterRunStatus.SUCCESS]
    assert failed_checks(instance, runs[0].run_id) == ["highest_prosecutor_risk"]
    assert metadata_of(instance, "raw_records")["days"] == {"2026-11-01": 15_000, "2026-11-02": 15_159, "2026-11-03": 3}


def test_days_past_their_retention_are_deleted_and_leave_the_release(daily_adult_policy_file):
    """A window that ends inside 2026-11-02: 11-01 has expired, 11-02 and 11-03 have not."""
    window = (datetime.datetime.now(datetime.UTC).date() - datetime.date(2026, 11, 2)).days
    resources = build_resources(str(daily_adult_policy_file()))
    instance = dg.DagsterInstance.get()
    stored = default_storage_dir() / "adult" / "daily_arrivals"
    assert ingest_days(resources, instance, DAYS) is None
    assert (stored / "2026-11-01.parquet.sealed").exists()
    daily_adult_policy_file(retention={"intermediate": "7d", "daily_arrivals": f"{window}d"})

    assert materialize_pipeline(resources, instance, selection=UNION_STAGES).success

    raw = metadata_of(instance, "raw_records")
    assert raw["days"] == {"2026-11-02": 15_159, "2026-11-03": 3} and raw["days_expired"] == ["2026-11-01"]
    assert sorted(path.name for path in stored.iterdir()) == ["2026-11-02.parquet.sealed", "2026-11-03.parquet.sealed"]
    refused = ingest_days(resources, instance, ["2026-11-01"])
    assert refused.error_message == f"2026-11-01 is past retention.daily_arrivals ({window}d); not read"
