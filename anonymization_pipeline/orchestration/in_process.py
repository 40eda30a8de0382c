"""Materialize the whole asset graph in this process, as the CLI does.

Runs land in the DAGSTER_HOME instance when it is set, so CLI runs appear in the UI; otherwise an
ephemeral instance is used. A failed step is reported by the class of our error that caused it,
so the CLI can give the same exit code as the core would.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import dagster as dg

from anonymization_pipeline.core.crash_log import internal_error_line_for
from anonymization_pipeline.core.errors import INTERNAL_ERROR
from anonymization_pipeline.orchestration import run_tags
from anonymization_pipeline.orchestration.asset_graph import pipeline_assets
from anonymization_pipeline.orchestration.assets import DAILY_ARRIVALS, STAGES
from anonymization_pipeline.orchestration.dataset import DatasetSpec
from anonymization_pipeline.orchestration.cli_instance import open_instance, process_tags
from anonymization_pipeline.orchestration.environment import settings_of
from anonymization_pipeline.orchestration.failures import TARGETS_NOT_MET, exit_code_of, step_failure_reason


ENGINE_NOTE = "Dependencies for step"
"""Dagster's own note that a step was skipped after a failure; the CLI says why in one line instead."""


@dataclass(frozen=True)
class PipelineRun:
    run_id: str
    success: bool
    failed_step: str | None = None
    error_class: str | None = None
    error_message: str | None = None


def current_instance() -> dg.DagsterInstance:
    return open_instance()


def ingest_days(
    resources: Mapping[str, Any],
    instance: dg.DagsterInstance,
    days: Sequence[str],
    on_step: Callable[[str, str], None] | None = None,
    on_log: Callable[[str], None] | None = None,
) -> PipelineRun | None:
    """Materialize the `daily_arrivals` partition of each day, a run per day as the schedule
    would; the first failed run is returned, None when every day was read."""
    for day in days:
        run = materialize_pipeline(resources, instance, on_step, selection=[DAILY_ARRIVALS], partition_key=day, on_log=on_log)
        if not run.success:
            return run
    return None


def materialize_with_escalation(
    resources: Mapping[str, Any],
    instance: dg.DagsterInstance,
    max_attempts: int,
    on_step: Callable[[str, str], None] | None = None,
    on_attempt: Callable[[int, str | None], None] | None = None,
    on_log: Callable[[str], None] | None = None,
    tags: Mapping[str, str] | None = None,
) -> PipelineRun:
    """The CLI's own escalation loop: the same rungs and tags the sensor would use, in this process.

    `on_attempt(attempt, previous_run_id)` is told before each attempt (no previous run for the first).
    """
    run = None
    publishing = _publishing_stages(resources)
    for attempt in range(1, max_attempts + 1):
        if on_attempt is not None:
            on_attempt(attempt, run.run_id if run is not None else None)
        attempt_tags = {**(tags or {}), run_tags.ATTEMPT: str(attempt), run_tags.LAUNCHED_BY: "cli"}
        if run is not None:
            attempt_tags |= {run_tags.PARENT_RUN: run.run_id, run_tags.ROOT_RUN: root}
        run = materialize_pipeline(resources, instance, on_step, attempt_tags, selection=publishing, on_log=on_log)
        root = attempt_tags.get(run_tags.ROOT_RUN, run.run_id)
        if run.success or run.error_class not in TARGETS_NOT_MET:
            return run
    return run


def materialize_pipeline(
    resources: Mapping[str, Any],
    instance: dg.DagsterInstance,
    on_step: Callable[[str, str], None] | None = None,
    tags: Mapping[str, str] | None = None,
    selection: Sequence[str] | None = None,
    partition_key: str | None = None,
    on_log: Callable[[str], None] | None = None,
) -> PipelineRun:
    """Run the `selection` of the dataset's stages (default: every one); `on_step(step, status)`
    is told when a step starts, succeeds or fails, and `on_log(message)` hears what each stage
    logs. Assets carry the same keys (`<dataset>/<stage>`) as in the code location, so CLI runs
    and UI runs add to one history.

    Naming the progress logger in the run config replaces Dagster's console logger, whose event
    lines would bury the CLI's one-line summary.
    """
    spec = DatasetSpec.load(settings_of(dict(resources)).policy_path)
    defs = dg.Definitions(
        assets=pipeline_assets(spec),
        resources=resources,
        loggers={"progress": _progress_logger(on_step, on_log)},
    )
    job = defs.resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(
        run_config={"loggers": {"progress": {}}},
        instance=instance,
        raise_on_error=False,
        tags={"dataset": spec.name, **(tags or {}), **process_tags()},
        asset_selection=[spec.key(name) for name in selection] if selection is not None else None,
        partition_key=partition_key,
    )
    if result.success:
        return PipelineRun(result.run_id, True)
    failure = next(event for event in result.all_events if event.is_step_failure)
    error_class, message = step_failure_reason(failure.step_failure_data)
    if exit_code_of(error_class) == INTERNAL_ERROR and failure.step_failure_data.error is not None:
        message = internal_error_line_for(error_class, failure.step_failure_data.error.to_string())
    return PipelineRun(result.run_id, False, failure.step_key, error_class, message)


def _publishing_stages(resources: Mapping[str, Any]) -> list[str] | None:
    """Every stage but the daily reads, which the days given to `ingest_days` already made."""
    if settings_of(dict(resources)).policy().dataset.daily_partitions is None:
        return None
    return list(STAGES)


def _progress_logger(
    on_step: Callable[[str, str], None] | None, on_log: Callable[[str], None] | None
) -> dg.LoggerDefinition:
    class StepEvents(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            meta = getattr(record, "dagster_meta", {})
            event = meta.get("dagster_event")
            message = str(meta.get("orig_message", record.getMessage()))
            if event is None and on_log is not None and meta.get("step_key") and not message.startswith(ENGINE_NOTE):
                on_log(message)
            if on_step is None or event is None or not event.step_key:
                return
            if event.is_step_start:
                on_step(event.step_key, "started")
            elif event.is_step_success:
                on_step(event.step_key, "done")
            elif event.is_step_failure:
                on_step(event.step_key, "failed")

    @dg.logger
    def progress(_context: dg.InitLoggerContext) -> logging.Logger:
        log = logging.getLogger("anonymization_pipeline.progress")
        log.handlers = [StepEvents()]
        log.setLevel(logging.DEBUG)
        log.propagate = False
        return log

    return progress
