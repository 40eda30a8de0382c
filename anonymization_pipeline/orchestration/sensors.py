"""The escalation loop, one sensor per dataset: a run that failed the dataset's privacy or risk
targets is retried one rung up.

Dagster's own retries re-run with the same configuration, which would fail the same way. This
sensor reads failed runs (its dataset's job, or a UI "Materialize" that included its assets),
keeps those where one of the dataset's steps stopped on an unmet target (no acceptable
transformation, or the publish gate), and launches the next attempt with tags that name the attempt and link it to its parent and the original run. The
cursor (the highest run storage id handled) and the run key make each failure handled exactly
once, across daemon restarts too. The next attempt repeats the failed run's assets and day
(a run of the union stages alone has no day). After `retry.max_attempts` it stops and marks the last run
`anonymizer/escalation=exhausted`: the published dataset is never touched by a failed run.

The retry settings are read from the policy file at each tick, as the run workers read it when they
start: after an edit of the policy, the runs and the sensor that retries them follow the same file,
without a reload of the code location.
"""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg

from anonymization_pipeline.core.errors import AnonymizerError
from anonymization_pipeline.core.policy import load_policy
from anonymization_pipeline.orchestration import run_tags
from anonymization_pipeline.orchestration.assets import DAILY_ARRIVALS, STAGES
from anonymization_pipeline.orchestration.dataset import DatasetSpec
from anonymization_pipeline.orchestration.failures import TARGETS_NOT_MET, step_failure_reason

PARTITION_TAG = "dagster/partition"
PAGE = 100
LADDER_STAGES = {DAILY_ARRIVALS, *STAGES}
"""The stages a rung of retry.ladder changes; a failed synthesis or DP release is not escalated."""


def sensor_name(spec: DatasetSpec) -> str:
    return f"{spec.name}_escalation"


def build_escalation_sensor(spec: DatasetSpec, job: dg.UnresolvedAssetJobDefinition) -> dg.SensorDefinition:
    @dg.sensor(
        name=sensor_name(spec),
        job=job,
        minimum_interval_seconds=15,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Retries {spec.name} runs that failed their privacy or risk targets with the next rung of retry.ladder.",
    )
    def privacy_escalation(context: dg.SensorEvaluationContext) -> Iterator:
        handled = int(context.cursor or 0)
        fresh = _new_failures(context.instance, handled)
        if not fresh:
            return
        try:
            max_attempts = load_policy(spec.policy_path).retry.max_attempts
        except AnonymizerError as error:
            context.log.warning(f"{spec.policy_path} no longer loads, so no run is retried: {error}")
            max_attempts = 0
        for record in fresh:
            run = record.dagster_run
            handled = max(handled, record.storage_id)
            if run.tags.get(run_tags.LAUNCHED_BY) == "cli" or not _runs_dataset(run, spec):
                continue
            reasons = unmet_targets(context.instance, run.run_id, spec)
            if not reasons:
                continue
            attempt = run_tags.attempt_of(run.tags)
            context.log.info(f"run {run.run_id} failed its targets: {reasons[0]}")
            if attempt >= max_attempts:
                context.instance.add_run_tags(run.run_id, {run_tags.ESCALATION: "exhausted"})
                context.log.warning(f"run {run.run_id}: targets still unmet after {attempt} attempts; not retrying")
                continue
            selection = [key for key in run.asset_selection or [] if key.path[0] == spec.name and key.path[-1] in LADDER_STAGES]
            yield dg.RunRequest(
                run_key=f"escalate:{run.run_id}",
                asset_selection=sorted(selection, key=str) or None,
                partition_key=run.tags.get(PARTITION_TAG),
                tags={
                    run_tags.ATTEMPT: str(attempt + 1),
                    run_tags.PARENT_RUN: run.run_id,
                    run_tags.ROOT_RUN: run.tags.get(run_tags.ROOT_RUN, run.run_id),
                },
            )
        context.update_cursor(str(handled))

    return privacy_escalation


def _runs_dataset(run: dg.DagsterRun, spec: DatasetSpec) -> bool:
    """The dataset's own job, or a run of assets (the UI's "Materialize") that includes its assets."""
    if run.job_name == spec.job_name:
        return True
    return any(key.path[0] == spec.name for key in run.asset_selection or [])


def _new_failures(instance: dg.DagsterInstance, handled: int) -> list:
    """Failed runs newer than the cursor, oldest first, paging back until the cursor is reached."""
    fresh, cursor = [], None
    while True:
        page = instance.get_run_records(
            filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE]), limit=PAGE, cursor=cursor, ascending=False
        )
        newer = [record for record in page if record.storage_id > handled]
        fresh += newer
        if len(page) < PAGE or len(newer) < len(page):
            return sorted(fresh, key=lambda record: record.storage_id)
        cursor = page[-1].dagster_run.run_id


def failed_checks(instance: dg.DagsterInstance, run_id: str, spec: DatasetSpec | None = None) -> list[str]:
    """The checks that failed in the run (of the dataset's assets, when one is given)."""
    evaluations = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    return sorted(
        evaluation.check_name
        for evaluation in (entry.dagster_event.event_specific_data for entry in evaluations)
        if not evaluation.passed and (spec is None or evaluation.asset_key.path[0] == spec.name)
    )


def unmet_targets(instance: dg.DagsterInstance, run_id: str, spec: DatasetSpec) -> list[str]:
    """The one-line reasons of the dataset's ladder stages that stopped on an unmet target: the
    search found no acceptable transformation, or the publish gate refused. A synthesis or a DP
    release that missed its targets is not one: no rung of the ladder changes it."""
    ladder_steps = {f"{spec.step_prefix()}{stage}" for stage in LADDER_STAGES}
    reasons = []
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        if entry.step_key not in ladder_steps:
            continue
        error_class, message = step_failure_reason(entry.dagster_event.step_failure_data)
        if error_class in TARGETS_NOT_MET:
            reasons.append(message)
    return reasons
