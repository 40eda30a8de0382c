"""The publish stage: the only place data leaves the pipeline, and only past the gate."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from anonymization_pipeline.core.io import describe_location, write_table
from anonymization_pipeline.core.pipeline.report import build_report, write_report
from anonymization_pipeline.core.pipeline.stage_output import StageOutput
from anonymization_pipeline.core.pipeline.stages import release_gate
from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.policy.model import Location


def publish(
    records: StageOutput,
    assessment: Mapping[str, Any],
    policy: Policy,
    output: Location,
    report_dir: Path | None,
) -> dict[str, Any]:
    """Write the output atomically if the assessment passed, then the report either way.

    On failure the previous output is left untouched, and PrivacyTargetNotMet is raised after the
    report (status `not_published`, with the unmet targets) is written, so the reviewer sees why.
    """
    report = build_report(records, assessment, policy, output=describe_location(output))
    if assessment["passed"]:
        write_table(records.frame, output)
    if report_dir is not None:
        write_report(report, assessment["plots"], report_dir)
    release_gate(assessment)
    return report


def report_rejection(records: StageOutput, assessment: Mapping[str, Any], policy: Policy, report_dir: Path) -> None:
    """Write the `not_published` report as soon as the assessment fails, so the reviewer sees why
    even when a blocking check stops the run before the publish stage."""
    write_report(build_report(records, assessment, policy, output=None), assessment["plots"], report_dir)
