"""The escalation loop: a run that failed its privacy or risk targets is retried one rung up.

Dagster's own retries re-run with the same configuration, which would fail the same way. This
sensor reads failed runs, keeps those that failed their targets (a failed blocking check in the
run's check-evaluation records, or a step stopped by an unmet target: no acceptable
transformation, or the publish gate), and launches the next
attempt with tags that name the attempt and link it to its parent and the original run. The
cursor (the highest run storage id handled) and the run key make each failure handled exactly
once, across daemon restarts too. The next attempt repeats the failed run's assets and day
(a run of the union stages alone has no day). After `retry.max_attempts` it stops and marks the last run
`anonymizer/escalation=exhausted`: the published dataset is never touched by a failed run.
"""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg

from anonymization_pipeline.orchestration import run_tags
from anonymization_pipeline.orchestration.failures import TARGETS_NOT_MET, our_error
from anonymization_pipeline.orchestration.resources import PipelineSettings

ESCALATED_JOBS = {"anonymization_pipeline", "__ASSET_JOB"}
PARTITION_TAG = "dagster/partition"
PAGE = 100


def build_escalation_sensor(job: dg.UnresolvedAssetJobDefinition) -> dg.SensorDefinition:
    @dg.sensor(
        name="privacy_escalation",
        job=job,
        minimum_interval_seconds=15,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Retries runs that failed their privacy or risk targets with the next rung of retry.ladder.",
    )
    def privacy_escalation(context: dg.SensorEvaluationContext, settings: PipelineSettings) -> Iterator:
        handled = int(context.cursor or 0)
        max_attempts = settings.policy().retry.max_attempts
        for record in _new_failures(context.instance, handled):
            run = record.dagster_run
            handled = max(handled, record.storage_id)
            if run.tags.get(run_tags.LAUNCHED_BY) == "cli":
                continue
            checks = failed_checks(context.instance, run.run_id)
            if not checks and not _stopped_on_unmet_target(context.instance, run.run_id):
                continue
            attempt = run_tags.attempt_of(run.tags)
            context.log.info(f"run {run.run_id} failed its targets ({', '.join(checks) or 'a stage stopped on one'})")
            if attempt >= max_attempts:
                context.instance.add_run_tags(run.run_id, {run_tags.ESCALATION: "exhausted"})
                context.log.warning(f"run {run.run_id}: targets still unmet after {attempt} attempts; not retrying")
                continue
            yield dg.RunRequest(
                run_key=f"escalate:{run.run_id}",
                asset_selection=sorted(run.asset_selection, key=str) if run.asset_selection else None,
                partition_key=run.tags.get(PARTITION_TAG),
                tags={
                    run_tags.ATTEMPT: str(attempt + 1),
                    run_tags.PARENT_RUN: run.run_id,
                    run_tags.ROOT_RUN: run.tags.get(run_tags.ROOT_RUN, run.run_id),
                },
            )
        context.update_cursor(str(handled))

    return privacy_escalation


def _new_failures(instance: dg.DagsterInstance, handled: int) -> list:
    """Failed runs newer than the cursor, oldest first, paging back until the cursor is reached."""
    fresh, cursor = [], None
    while True:
        page = instance.get_run_records(
            filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE]), limit=PAGE, cursor=cursor, ascending=False
        )
        newer = [record for record in page if record.storage_id > handled]
        fresh += [record for record in newer if record.dagster_run.job_name in ESCALATED_JOBS]
        if len(page) < PAGE or len(newer) < len(page):
            return sorted(fresh, key=lambda record: record.storage_id)
        cursor = page[-1].dagster_run.run_id


def failed_checks(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """The blocking checks that failed in the run, from its check-evaluation records."""
    evaluations = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    return sorted(
        evaluation.check_name
        for evaluation in (entry.dagster_event.event_specific_data for entry in evaluations)
        if not evaluation.passed and evaluation.blocking
    )


def _stopped_on_unmet_target(instance: dg.DagsterInstance, run_id: str) -> bool:
    """A step stopped on an unmet target, where no check may have run: the search found no
    acceptable transformation, or the publish gate refused."""
    failures = instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE)
    return any(our_error(entry.dagster_event.step_failure_data.error)[0] in TARGETS_NOT_MET for entry in failures)
