"""The escalation loop, driven tick by tick against an ephemeral instance."""

from __future__ import annotations

import dagster as dg

from anonymization_pipeline.orchestration import run_tags
from anonymization_pipeline.orchestration.dataset import DatasetSpec
from anonymization_pipeline.orchestration.environment import shared_resources
from anonymization_pipeline.orchestration.policy_component import dataset_definitions
from anonymization_pipeline.orchestration.sensors import failed_checks

# On Adult, k=5 and k=6 give a smallest class of 6 rows (prosecutor risk 1/6), k=7 one of 16: a
# threshold of 0.1 fails at rungs 0 and 1 and passes at rung 2.
LADDER = [{"k": 6}, {"k": 7}, {"k": 20}]


JOB, SENSOR = "anonymize_adult", "adult_escalation"
PUBLISHED = dg.AssetKey(["adult", "anonymized_dataset"])


def escalation_definitions(policy_path) -> dg.Definitions:
    """The dataset's own definitions, as the code location builds them for each policy."""
    return dg.Definitions.merge(
        dataset_definitions(DatasetSpec.load(str(policy_path))), dg.Definitions(resources=shared_resources())
    )


def sensor_context(defs: dg.Definitions, instance: dg.DagsterInstance, cursor: str | None = None):
    return dg.build_sensor_context(instance=instance, cursor=cursor, definitions=defs)


def drive(defs: dg.Definitions, instance: dg.DagsterInstance, ticks: int) -> list[dg.DagsterRun]:
    """Run once, then let the sensor tick and execute what it requests, like the daemon would."""
    job = defs.resolve_job_def(JOB)
    sensor = defs.resolve_sensor_def(SENSOR)
    job.execute_in_process(instance=instance, raise_on_error=False)
    cursor = None
    for _ in range(ticks):
        context = sensor_context(defs, instance, cursor)
        requests = list(sensor(context) or [])
        cursor = context.cursor
        for request in requests:
            job.execute_in_process(instance=instance, raise_on_error=False, tags=request.tags)
    return sorted(instance.get_runs(), key=lambda run: int(run.tags.get(run_tags.ATTEMPT, "1")))


def test_fails_at_rung_0_passes_at_rung_2_in_exactly_three_linked_runs(adult_policy_file, tmp_path):
    policy = adult_policy_file(risk={"max_prosecutor_risk": 0.1}, retry={"max_attempts": 4, "ladder": LADDER})
    instance = dg.DagsterInstance.ephemeral()

    runs = drive(escalation_definitions(policy), instance, ticks=5)

    assert [run.status for run in runs] == [
        dg.DagsterRunStatus.FAILURE,
        dg.DagsterRunStatus.FAILURE,
        dg.DagsterRunStatus.SUCCESS,
    ]
    first, second, third = runs
    assert failed_checks(instance, first.run_id) == failed_checks(instance, second.run_id) == ["highest_prosecutor_risk"]
    assert failed_checks(instance, third.run_id) == []
    assert [run.tags.get(run_tags.ATTEMPT, "1") for run in runs] == ["1", "2", "3"]
    assert second.tags[run_tags.PARENT_RUN] == first.run_id and third.tags[run_tags.PARENT_RUN] == second.run_id
    assert second.tags[run_tags.ROOT_RUN] == third.tags[run_tags.ROOT_RUN] == first.run_id
    assert (tmp_path / "out" / "adult.parquet").exists()
    metadata = instance.get_latest_materialization_event(PUBLISHED).asset_materialization.metadata
    assert metadata["attempt"].value == 3 and metadata["parent_run"].value == second.run_id


def test_never_passing_policy_stops_after_max_attempts_and_publishes_nothing(adult_policy_file, tmp_path):
    policy = adult_policy_file(risk={"max_prosecutor_risk": 0.001}, retry={"max_attempts": 3, "ladder": LADDER})
    instance = dg.DagsterInstance.ephemeral()

    runs = drive(escalation_definitions(policy), instance, ticks=6)

    assert len(runs) == 3
    assert all(run.status == dg.DagsterRunStatus.FAILURE for run in runs)
    assert instance.get_run_by_id(runs[-1].run_id).tags[run_tags.ESCALATION] == "exhausted"
    assert not (tmp_path / "out" / "adult.parquet").exists()
    assert instance.get_latest_materialization_event(PUBLISHED) is None


def test_a_search_that_finds_no_transformation_escalates_though_no_check_ran(adult_policy_file):
    """k above the row count with no suppression: the generalize stage stops, no check evaluates."""
    policy = adult_policy_file(privacy={"k": 40_000, "max_suppression": 0.0}, retry={"max_attempts": 2, "ladder": [{"k": 5}]})
    instance = dg.DagsterInstance.ephemeral()

    runs = drive(escalation_definitions(policy), instance, ticks=3)

    assert [run.status for run in runs] == [dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.SUCCESS]
    assert failed_checks(instance, runs[0].run_id) == []
    assert runs[1].tags[run_tags.PARENT_RUN] == runs[0].run_id


def test_a_policy_edited_after_the_location_loaded_is_retried_as_the_file_now_says(adult_policy_file):
    """Run workers read the policy file as it is when they start; the sensor, loaded with the code
    location before the edit, reads the same file and retries as the edited policy allows."""
    defs = escalation_definitions(adult_policy_file(risk={"max_prosecutor_risk": 0.1}))
    adult_policy_file(risk={"max_prosecutor_risk": 0.1}, retry={"max_attempts": 4, "ladder": LADDER})
    instance = dg.DagsterInstance.ephemeral()

    runs = drive(defs, instance, ticks=4)

    assert [run.status for run in runs] == [dg.DagsterRunStatus.FAILURE] * 2 + [dg.DagsterRunStatus.SUCCESS]
    assert [run.tags.get(run_tags.ATTEMPT, "1") for run in runs] == ["1", "2", "3"]


def test_a_policy_that_no_longer_loads_retries_nothing_and_marks_the_failure_exhausted(adult_policy_file):
    policy = adult_policy_file(risk={"max_prosecutor_risk": 0.1}, retry={"max_attempts": 4, "ladder": LADDER})
    defs = escalation_definitions(policy)
    instance = dg.DagsterInstance.ephemeral()
    failed = defs.resolve_job_def(JOB).execute_in_process(instance=instance, raise_on_error=False)
    policy.write_text("dataset: [unclosed\n")

    assert list(defs.resolve_sensor_def(SENSOR)(sensor_context(defs, instance)) or []) == []
    assert instance.get_run_by_id(failed.run_id).tags[run_tags.ESCALATION] == "exhausted"


def test_each_failure_is_handled_once_across_restarts(adult_policy_file):
    policy = adult_policy_file(risk={"max_prosecutor_risk": 0.001}, retry={"max_attempts": 3, "ladder": LADDER})
    instance = dg.DagsterInstance.ephemeral()
    defs = escalation_definitions(policy)
    defs.resolve_job_def(JOB).execute_in_process(instance=instance, raise_on_error=False)
    sensor = defs.resolve_sensor_def(SENSOR)

    first = sensor_context(defs, instance)
    assert len(list(sensor(first))) == 1
    restarted = sensor_context(defs, instance, first.cursor)
    assert list(sensor(restarted) or []) == []


def test_failures_beyond_one_page_are_all_seen_oldest_first():
    from anonymization_pipeline.orchestration.sensors import PAGE, _new_failures

    instance = dg.DagsterInstance.ephemeral()
    for _ in range(2 * PAGE + 5):
        instance.add_run(dg.DagsterRun(job_name=JOB, status=dg.DagsterRunStatus.FAILURE))
    everything = _new_failures(instance, handled=0)
    assert len(everything) == 2 * PAGE + 5
    assert [r.storage_id for r in everything] == sorted(r.storage_id for r in everything)
    newest = _new_failures(instance, handled=everything[-4].storage_id)
    assert [r.storage_id for r in newest] == [r.storage_id for r in everything[-3:]]


def test_a_synthesis_that_misses_its_targets_is_not_escalated(adult_policy_file, tmp_path):
    """The ladder changes k and friends, not a synthesizer: a failed synthesis run, with its raw
    records, gets no retry and is not marked exhausted."""
    synthetic = {
        "rows": 3000,
        "seed": 5,
        "output": {"format": "parquet", "path": str(tmp_path / "out" / "adult_synthetic.parquet")},
        "targets": {"min_quality": 0.9999},
    }
    policy = adult_policy_file(synthetic=synthetic, retry={"max_attempts": 2, "ladder": [{"k": 6}]})
    instance = dg.DagsterInstance.ephemeral()
    defs = escalation_definitions(policy)
    run = defs.resolve_implicit_global_asset_job_def().execute_in_process(
        instance=instance,
        asset_selection=[dg.AssetKey(["adult", "raw_records"]), dg.AssetKey(["adult", "synthetic_dataset"])],
        raise_on_error=False,
    )
    assert not run.success and "quality" in failed_checks(instance, run.run_id)

    context = sensor_context(defs, instance)
    assert list(defs.resolve_sensor_def(SENSOR)(context) or []) == []
    assert run_tags.ESCALATION not in instance.get_run_by_id(run.run_id).tags
    assert int(context.cursor) > 0
