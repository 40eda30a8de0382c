"""`anonymize run POLICY`: materialize the asset graph in-process and summarise the report."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from anonymization_pipeline.cli.timings import CLOCK, record_stages, timed
from anonymization_pipeline.core.errors import AnonymizerError, ConfigurationError, OutputError, PrivacyTargetNotMet
from anonymization_pipeline.core.policy import Policy, load_policy
from anonymization_pipeline.core.policy.engine import ENGINES


class StepFailed(AnonymizerError):
    """A step failed inside Dagster; carries the exit code its cause stands for."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser("run", help="run the whole pipeline on a policy")
    run.add_argument("policy", help="path to the policy YAML")
    add_run_options(run)
    run.set_defaults(func=run_policy)


def add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", help="override the policy's input: a file path or SQL URL#table")
    parser.add_argument("--output", help="override the policy's output: a file path or SQL URL#table")
    parser.add_argument("--report", help="folder for report.json and report.md")
    parser.add_argument("--quiet", action="store_true", help="print nothing on success (no stage log either)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--engine", choices=ENGINES, help="run on this engine instead of the policy's (spark: see examples/deployment)")
    parser.add_argument(
        "--date",
        action="append",
        dest="dates",
        metavar="YYYY-MM-DD",
        help="for an input that arrives by day: read this day first (repeatable), then publish the union of all days read",
    )


def run_policy(args: argparse.Namespace) -> int:
    with timed("load and validate the policy"):
        policy = load_policy(args.policy)
        days = _days_to_read(policy, args.dates or [])
    if (getattr(args, "engine", None) or policy.engine) == "spark":
        from anonymization_pipeline.cli.spark_run import run_on_spark  # pyspark loads only for a Spark run

        return run_on_spark(args, policy)

    with timed("import the pipeline and Dagster"):
        from anonymization_pipeline.core.pipeline.publish import assessment_directory
        from anonymization_pipeline.orchestration.environment import build_resources, settings_of
        from anonymization_pipeline.orchestration.failures import exit_code_of
        from anonymization_pipeline.orchestration.in_process import (
            current_instance,
            ingest_days,
            materialize_with_escalation,
        )

    resources = build_resources(str(args.policy), args.input, args.output, args.report)
    settings = settings_of(resources)
    instance = current_instance()
    report_dir = settings.report_directory(policy)
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot create the report folder {report_dir}: {error.strerror}") from None
    progress = _progress_printer(enabled=not args.quiet and not args.json and sys.stderr.isatty())
    stage_log = _log_printer(enabled=not args.quiet and not args.json)
    with timed("pipeline: Dagster run(s); steps with IO and events"):
        unread = ingest_days(resources, instance, days, on_step=progress, on_log=stage_log)
        if unread is not None:
            raise StepFailed(f"{_asset_of(unread.failed_step)}: {unread.error_message}", exit_code_of(unread.error_class))
        outcome = materialize_with_escalation(
            resources,
            instance,
            policy.retry.max_attempts,
            on_step=progress,
            on_attempt=_attempt_printer(policy, report_dir, quiet=args.quiet or args.json),
            on_log=stage_log,
            tags=getattr(args, "run_tags", None),
        )
    rejected = not outcome.success and exit_code_of(outcome.error_class) == PrivacyTargetNotMet.exit_code
    report = _read_report(assessment_directory(report_dir, outcome.run_id) if rejected else report_dir)
    record_stages((report or {}).get("timings", {}))
    if not outcome.success:
        code = exit_code_of(outcome.error_class)
        if rejected and report is not None:
            _print_summary(report, report_dir, args)
            raise StepFailed("not published: " + "; ".join(report["failures"]), code)
        raise StepFailed(f"{_asset_of(outcome.failed_step)}: {outcome.error_message}", code)
    if args.json:
        print(json.dumps(report, indent=2))
    elif not args.quiet:
        _print_summary(report, report_dir, args)
    return 0


def _asset_of(step: str | None) -> str:
    """A step key as the asset it materializes: `adult__raw_records` → `adult/raw_records`."""
    return (step or "").replace("__", "/")


def _days_to_read(policy: Policy, dates: list[str]) -> list[str]:
    """The `--date` days, checked against the policy before anything runs."""
    from anonymization_pipeline.core.io.daily_inputs import check_day, parse_day

    daily = policy.dataset.daily_partitions
    if dates and daily is None:
        raise ConfigurationError("--date: this policy reads its input whole; dataset.daily_partitions reads it by day")
    days = sorted({parse_day(text) for text in dates})
    for day in days:
        check_day(daily, day)
    return [day.isoformat() for day in days]


def _read_report(directory: Path) -> dict[str, Any] | None:
    path = directory / "report.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _print_summary(report: dict[str, Any], report_dir: Path, args: argparse.Namespace) -> None:
    if args.quiet or args.json:
        return
    rows = report["rows"]
    privacy = report.get("privacy") or {}
    print(f"{report['status'].replace('_', ' ')}: {report['dataset']}")
    print(
        f"  rows: {rows['rows_in']} in, {rows['rows_published']} published, "
        f"{rows['rows_suppressed']} suppressed"
    )
    if privacy:
        print(
            f"  privacy: k achieved {privacy.get('k_achieved')}, {privacy.get('equivalence_classes')} classes, "
            f"transformation {json.dumps(privacy.get('transformation'))}"
        )
    for scenario, result in (report["risk"].get("attack") or {}).items():
        correct = result.get("matched_correctly")
        print(
            f"  linkage attack on the {scenario}: {result['uniquely_matched']} of {result['attempts']} listed people "
            f"matched uniquely" + (f", {correct} correctly" if correct is not None else "")
        )
    for failure in report["failures"]:
        print(f"  unmet: {failure}")
    if report["output"]:
        print(f"  output: {report['output']}")
    print(f"  report: {report_dir / 'report.html'} (also report.md, report.json)")


def _attempt_printer(policy: Policy, report_dir: Path, quiet: bool):
    def on_attempt(attempt: int, previous_run_id: str | None) -> None:
        if previous_run_id is None or quiet:
            return
        from anonymization_pipeline.core.pipeline.publish import assessment_directory

        previous = _read_report(assessment_directory(report_dir, previous_run_id)) or {}
        for failure in previous.get("failures", []):
            print(f"  unmet: {failure}", file=sys.stderr)
        rung = policy.at_rung(attempt - 1).privacy
        print(
            f"escalating: attempt {attempt}/{policy.retry.max_attempts} with k={rung.k}, "
            f"max_suppression={rung.max_suppression}, algorithm={rung.algorithm}",
            file=sys.stderr,
        )

    return on_attempt


def _log_printer(enabled: bool):
    """What each stage logs (rows read, transformations searched, rows published), to stderr."""

    def on_log(message: str) -> None:
        if enabled:
            print(f"  {message}", file=sys.stderr, flush=True)

    return on_log


def _progress_printer(enabled: bool):
    started: dict[str, float] = {}

    def on_step(step: str, status: str) -> None:
        if status == "started":
            started[step] = time.perf_counter()
            if enabled:
                print(f"… {_asset_of(step)}", file=sys.stderr, flush=True)
            return
        seconds = time.perf_counter() - started.get(step, time.perf_counter())
        CLOCK.record(f"  step {_asset_of(step)}", seconds, time.time() - seconds)
        if enabled:
            print(f"{'✓' if status == 'done' else '✗'} {_asset_of(step)} ({seconds:.2f} s)", file=sys.stderr)

    return on_step
