"""The publish stage: the only place data leaves the pipeline, and only past the gate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from anonymization_pipeline.core.io import describe_location, write_table
from anonymization_pipeline.core.io.output_lock import output_lock
from anonymization_pipeline.core.pipeline.column_types import restore_integer_columns
from anonymization_pipeline.core.pipeline.report import build_report, write_report
from anonymization_pipeline.core.pipeline.report_model import Assessment
from anonymization_pipeline.core.pipeline.stage_output import StageOutput
from anonymization_pipeline.core.pipeline.stages import release_gate
from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.policy.model import Location


def publish(
    records: StageOutput,
    assessment: Assessment,
    policy: Policy,
    output: Location,
    report_dir: Path | None,
) -> dict[str, Any]:
    """Write the output atomically, then its report, if this very table passed its assessment.

    Otherwise PrivacyTargetNotMet is raised before anything is written: the previous output and
    its report stay as they were. A run publishing to the same output at the same moment makes
    this one stop with OutputError, writing nothing (a rejection has its own report, see `report_rejection`).
    """
    release_gate(records, assessment)
    report = build_report(records, assessment, policy, output=describe_location(output))
    with output_lock(output):
        write_table(restore_integer_columns(records.frame, policy), output)
        if report_dir is not None:
            write_report(report, assessment.plots, report_dir)
    return report.to_dict()


def assessment_directory(report_dir: Path, run_id: str) -> Path:
    """Where one run's assessment (data docs, and the report of a rejection) goes, so that a
    rejected candidate never overwrites the report of the dataset that is still published."""
    return report_dir / "assessments" / run_id


def report_rejection(records: StageOutput, assessment: Assessment, policy: Policy, directory: Path) -> None:
    """Write the `not_published` report as soon as the assessment fails, so the reviewer sees why
    even when a blocking check stops the run before the publish stage."""
    write_report(build_report(records, assessment, policy, output=None), assessment.plots, directory)
