"""Input by day through the real webserver and daemon: partitioned runs launched over GraphQL, and
the escalation sensor retrying a failed day with the same day, as the daemon launches it."""

from __future__ import annotations

import time

import dagster as dg
from dagster_graphql import DagsterGraphQLClient

from anonymization_pipeline.orchestration import run_tags
from anonymization_pipeline_tests.conftest import new_dagster_home
from anonymization_pipeline_tests.orchestration.test_webserver_e2e import (
    JOB,
    LOCATION,
    REPO,
    REPOSITORY,
    server_environment,
    wait_for_run,
    why_it_failed,
)
from anonymization_pipeline_tests.orchestration.webserver_process import LOOPBACK, dagster_dev, process_group_members

PARTITION = "dagster/partition"
ESCALATION_TIMEOUT_SECONDS = 300
# On Adult, k=5 and k=6 leave a class of 6 rows (prosecutor risk 1/6): a threshold of 0.1 fails
# until the ladder reaches k=7.
STRICT = {"risk": {"max_prosecutor_risk": 0.1}, "retry": {"max_attempts": 4, "ladder": [{"k": 6}, {"k": 7}]}}


def runs_of_day(instance: dg.DagsterInstance, day: str) -> list[dg.DagsterRun]:
    runs = instance.get_runs(filters=dg.RunsFilter(tags={PARTITION: day}))
    return sorted(runs, key=lambda run: int(run.tags.get(run_tags.ATTEMPT, "1")))


def test_a_failed_day_is_retried_by_the_daemon_with_the_same_day(daily_adult_policy_file, tmp_path, monkeypatch):
    policy = daily_adult_policy_file()
    home = new_dagster_home(tmp_path)
    monkeypatch.setenv("NO_PROXY", LOOPBACK)
    monkeypatch.setenv("no_proxy", LOOPBACK)

    with dagster_dev(REPO, server_environment(home, policy), tmp_path / "dagster_dev.log") as dev:
        client = DagsterGraphQLClient(LOOPBACK, port_number=dev.port, timeout=30)
        first = client.submit_job_execution(
            JOB, repository_location_name=LOCATION, repository_name=REPOSITORY, tags={PARTITION: "2026-11-01"}
        )
        first_status = wait_for_run(client, first)
        daily_adult_policy_file(**STRICT)
        client.submit_job_execution(
            JOB, repository_location_name=LOCATION, repository_name=REPOSITORY, tags={PARTITION: "2026-11-02"}
        )
        with dg.DagsterInstance.from_config(str(home)) as instance:
            assert first_status == dg.DagsterRunStatus.SUCCESS, why_it_failed(instance, first)
            deadline = time.monotonic() + ESCALATION_TIMEOUT_SECONDS
            while time.monotonic() < deadline:
                runs = runs_of_day(instance, "2026-11-02")
                if len(runs) == 3 and runs[-1].status == dg.DagsterRunStatus.SUCCESS:
                    break
                time.sleep(2)
            runs = runs_of_day(instance, "2026-11-02")
            published = instance.get_latest_materialization_event(dg.AssetKey(["adult", "raw_records"]))
            days = published.asset_materialization.metadata["days"].value

    assert [run.tags.get(run_tags.ATTEMPT, "1") for run in runs] == ["1", "2", "3"], dev.log_tail()
    assert [run.status for run in runs] == [dg.DagsterRunStatus.FAILURE] * 2 + [dg.DagsterRunStatus.SUCCESS]
    assert runs[1].tags[run_tags.PARENT_RUN] == runs[0].run_id and runs[2].tags[run_tags.PARENT_RUN] == runs[1].run_id
    assert days == {"2026-11-01": 15_000, "2026-11-02": 15_159}
    assert process_group_members(dev.process.pid) == []
