"""One asset per pipeline stage; each calls one core function and records its audit as metadata."""

from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any

import dagster as dg

from anonymization_pipeline.core.at_rest import STORAGE_KEY
from anonymization_pipeline.core.io import describe_location, read_table
from anonymization_pipeline.core.pipeline import StageOutput, stages
from anonymization_pipeline.core.pipeline.classification import classify_fields
from anonymization_pipeline.core.pipeline.publish import assessment_directory, publish, report_rejection
from anonymization_pipeline.core.pipeline.report_model import Assessment
from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.reporting import render_plots_markdown
from anonymization_pipeline.orchestration import run_tags
from anonymization_pipeline.orchestration.io_managers import StageParquetIOManager
from anonymization_pipeline.orchestration.resources import KeysResource, PipelineSettings
from anonymization_pipeline.orchestration.retention import purge_intermediates

GROUP = "anonymization"
CODE_VERSION = version("anonymization_pipeline")
FINGERPRINT_PURPOSE = "fingerprint:hmac-sha256"
DOWNSTREAM = dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed()
"""Downstream stages follow a new upstream materialization on their own, unless a blocking check failed."""
FIRST_STAGE: dict[str, Any] = {"group_name": GROUP, "code_version": CODE_VERSION}
DOWNSTREAM_STAGE: dict[str, Any] = FIRST_STAGE | {"automation_condition": DOWNSTREAM}
STAGE_IO = "stage_io_manager"
JSON_IO = "json_io_manager"
DAILY_ARRIVALS = "daily_arrivals"


def stage_policy(context: dg.AssetExecutionContext, settings: PipelineSettings) -> Policy:
    """The policy at the escalation rung this run's tags name."""
    return settings.policy(run_tags.attempt_of(context.run.tags))


def audit_metadata(context: dg.AssetExecutionContext, policy: Policy, audit: Mapping[str, Any]) -> dict[str, Any]:
    """Dagster metadata from an audit record: numbers as numbers, structures as JSON."""
    tags = context.run.tags
    metadata: dict[str, Any] = {
        "policy_sha256": policy.sha256(),
        "policy_version": policy.version,
        "dataset": policy.dataset.name,
        "attempt": run_tags.attempt_of(tags),
        "parent_run": tags.get(run_tags.PARENT_RUN, ""),
    }
    for key, value in audit.items():
        if isinstance(value, bool | int | float | str):
            metadata[key] = value
        elif value is not None:
            metadata[key] = dg.MetadataValue.json(value)
    rows = audit.get("rows")
    if isinstance(rows, dict):
        metadata["dagster/row_count"] = rows["rows_published"]
    elif isinstance(rows, int):
        metadata["dagster/row_count"] = rows
    return metadata


@dg.asset(**FIRST_STAGE, io_manager_key=STAGE_IO, kinds={"pandas"})
def raw_records(context: dg.AssetExecutionContext, settings: PipelineSettings, keys: KeysResource) -> StageOutput:
    """The input table as read, before anything is protected. Encrypted at rest, never published.

    Its fingerprint carries an HMAC of the content under a subkey of the `storage` key, so a
    reviewer can tell which input a run read without the input being stored in the audit trail.
    """
    policy = stage_policy(context, settings)
    location = settings.input_location(policy)
    records = stages.ingest(read_table(location), policy, describe_location(location), fingerprint_key(keys))
    context.add_output_metadata(audit_metadata(context, policy, records.audits[stages.RAW_RECORDS]))
    return records


def fingerprint_key(keys: KeysResource) -> bytes:
    return keys.provider().primary(STORAGE_KEY).derive(FINGERPRINT_PURPOSE)


@dg.asset(**DOWNSTREAM_STAGE, io_manager_key=JSON_IO)
def field_classification(
    context: dg.AssetExecutionContext, settings: PipelineSettings, raw_records: StageOutput
) -> dict[str, Any]:
    """Each column's class and method; unlisted columns are rejected or dropped, never passed on."""
    policy = stage_policy(context, settings)
    classification = classify_fields(list(raw_records.frame.columns), policy)
    context.add_output_metadata(audit_metadata(context, policy, classification))
    return classification


@dg.asset(**DOWNSTREAM_STAGE, io_manager_key=STAGE_IO, kinds={"pandas"})
def identifiers_protected(
    context: dg.AssetExecutionContext,
    settings: PipelineSettings,
    keys: KeysResource,
    raw_records: StageOutput,
    field_classification: dict[str, Any],
) -> StageOutput:
    """Direct identifiers removed, masked or replaced by keyed pseudonyms."""
    policy = stage_policy(context, settings)
    records = stages.protect_identifiers(raw_records, field_classification, policy, keys.provider())
    context.add_output_metadata(audit_metadata(context, policy, records.audits[stages.IDENTIFIERS_PROTECTED]))
    return records


@dg.asset(**DOWNSTREAM_STAGE, io_manager_key=STAGE_IO, kinds={"pandas"})
def quasi_identifiers_generalized(
    context: dg.AssetExecutionContext, settings: PipelineSettings, identifiers_protected: StageOutput
) -> StageOutput:
    """Quasi-identifiers generalized by the optimal transformation that meets the privacy targets."""
    policy = stage_policy(context, settings)
    records = stages.generalize_quasi_identifiers(identifiers_protected, policy)
    context.add_output_metadata(audit_metadata(context, policy, records.audits[stages.QUASI_IDENTIFIERS_GENERALIZED]))
    return records


@dg.asset(**DOWNSTREAM_STAGE, io_manager_key=STAGE_IO, kinds={"pandas"})
def sensitive_protected(
    context: dg.AssetExecutionContext,
    settings: PipelineSettings,
    keys: KeysResource,
    quasi_identifiers_generalized: StageOutput,
) -> StageOutput:
    """Sensitive values encrypted, hashed or perturbed: the candidate for publication."""
    policy = stage_policy(context, settings)
    records = stages.protect_sensitive(quasi_identifiers_generalized, policy, keys.provider())
    context.add_output_metadata(audit_metadata(context, policy, records.audits[stages.SENSITIVE_PROTECTED]))
    return records


@dg.asset(**DOWNSTREAM_STAGE, io_manager_key=JSON_IO)
def risk_assessment(
    context: dg.AssetExecutionContext,
    settings: PipelineSettings,
    sensitive_protected: StageOutput,
    raw_records: StageOutput,
) -> Assessment:
    """Re-identification risk of the candidate, the Great Expectations suite, and whether every
    target holds. Reads the raw records only to compare keyed digests of their identifiers."""
    policy = stage_policy(context, settings)
    run_dir = assessment_directory(settings.report_directory(policy), context.run_id)
    assessment = stages.assess(sensitive_protected, policy, raw_records.frame, run_dir / "data_docs", plots=True)
    if not assessment.passed:
        report_rejection(sensitive_protected, assessment, policy, run_dir)
    figures = assessment.model_dump(mode="json", exclude={"plots"})
    context.add_output_metadata(
        audit_metadata(context, policy, figures) | {"plots": dg.MetadataValue.md(render_plots_markdown(assessment.plots))}
    )
    return assessment


@dg.asset(**DOWNSTREAM_STAGE, kinds={"parquet"})
def anonymized_dataset(
    context: dg.AssetExecutionContext,
    settings: PipelineSettings,
    stage_io_manager: dg.ResourceParam[StageParquetIOManager],
    sensitive_protected: StageOutput,
    risk_assessment: Assessment,
) -> dg.MaterializeResult:
    """The published output: written only when the assessment passed (write–audit–publish).

    After a publish, intermediate stage files older than the policy's retention are deleted.
    """
    policy = stage_policy(context, settings)
    report = publish(
        sensitive_protected,
        risk_assessment,
        policy,
        settings.output_location(policy),
        settings.report_directory(policy),
    )
    purged = purge_intermediates(
        Path(stage_io_manager.base_dir), policy.retention.intermediate_seconds, keep=[DAILY_ARRIVALS]
    )
    return dg.MaterializeResult(metadata=audit_metadata(context, policy, report | {"intermediates_purged": len(purged)}))


PIPELINE_ASSETS = [
    raw_records,
    field_classification,
    identifiers_protected,
    quasi_identifiers_generalized,
    sensitive_protected,
    risk_assessment,
    anonymized_dataset,
]
