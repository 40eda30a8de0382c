"""One asset per pipeline stage, for one dataset; each calls one core function, logs what it did
and records its audit as metadata.

`build_pipeline_assets(spec)` makes a dataset's assets: keys under the dataset's name, its group,
owners and tags from its policy, and its own settings resource. Figures a reviewer follows over
time (k achieved, risks, suppressed rows, information loss, rows published) are plain numbers in
the metadata, so the asset's Plots tab charts them.
"""


from collections.abc import Iterator, Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd

from anonymization_pipeline.core.at_rest import STORAGE_KEY
from anonymization_pipeline.core.io import describe_location, read_table
from anonymization_pipeline.core.pipeline import StageOutput, stages
from anonymization_pipeline.core.pipeline.classification import classify_fields
from anonymization_pipeline.core.pipeline.column_types import restore_integer_columns
from anonymization_pipeline.core.pipeline.publish import assessment_directory, publish, report_rejection
from anonymization_pipeline.core.pipeline.report_model import Assessment
from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.reporting import render_plots_markdown
from anonymization_pipeline.orchestration import run_tags
from anonymization_pipeline.orchestration.checks import (
    release_check_results,
    release_check_specs,
    target_check_results,
    target_check_specs,
)
from anonymization_pipeline.orchestration.dataset import DatasetSpec
from anonymization_pipeline.orchestration.drift_check import drift_check_result, drift_check_spec
from anonymization_pipeline.orchestration.failures import one_line_failures
from anonymization_pipeline.orchestration.io_managers import StageParquetIOManager
from anonymization_pipeline.orchestration.resources import KeysResource, PipelineSettings
from anonymization_pipeline.orchestration.retention import purge_intermediates

CODE_VERSION = version("anonymization_pipeline")
FINGERPRINT_PURPOSE = "fingerprint:hmac-sha256"
DOWNSTREAM = dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_match(
    dg.AutomationCondition.all_checks_match(
        dg.AutomationCondition.check_passed() | dg.AutomationCondition.will_be_requested(), blocking_only=False
    ).with_label("all_checks_passed")
).with_label("all_deps_checks_passed")
"""Downstream stages follow a new upstream materialization on their own, unless a check of an
upstream stage failed: a missed target is escalated by the dataset's sensor, never retried as is."""
STAGE_IO = "stage_io_manager"
KEYS = "keys"
JSON_IO = "json_io_manager"
DAILY_ARRIVALS = "daily_arrivals"
RAW_RECORDS = stages.RAW_RECORDS
FIELD_CLASSIFICATION = "field_classification"
IDENTIFIERS_PROTECTED = stages.IDENTIFIERS_PROTECTED
QUASI_IDENTIFIERS_GENERALIZED = stages.QUASI_IDENTIFIERS_GENERALIZED
SENSITIVE_PROTECTED = stages.SENSITIVE_PROTECTED
RISK_ASSESSMENT = "risk_assessment"
ANONYMIZED_DATASET = "anonymized_dataset"
STAGES = [
    RAW_RECORDS,
    FIELD_CLASSIFICATION,
    IDENTIFIERS_PROTECTED,
    QUASI_IDENTIFIERS_GENERALIZED,
    SENSITIVE_PROTECTED,
    RISK_ASSESSMENT,
    ANONYMIZED_DATASET,
]
"""Every dataset's stages, in order; a dataset whose input arrives by day adds `daily_arrivals`."""
OUTPUT_KINDS = {"csv": "csv", "parquet": "parquet", "sql": "sql"}


def dataset_settings(context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext, spec: DatasetSpec) -> PipelineSettings:
    return getattr(context.resources, spec.settings_key)


def stage_policy(context: dg.AssetExecutionContext, spec: DatasetSpec) -> Policy:
    """The dataset's policy at the escalation rung this run's tags name."""
    return dataset_settings(context, spec).policy(run_tags.attempt_of(context.run.tags))


def stage_options(spec: DatasetSpec, *kinds: str, first: bool = False, resources: tuple[str, ...] = ()) -> dict[str, Any]:
    """What every stage of the dataset shares: key prefix, group, owners, tags, kinds, and the
    dataset's settings resource (named after the dataset, so datasets never share one)."""
    options: dict[str, Any] = {
        "key_prefix": [spec.name],
        "group_name": spec.name,
        "code_version": CODE_VERSION,
        "owners": list(spec.policy.owners),
        "tags": spec.tags,
        "kinds": set(kinds),
        "required_resource_keys": {spec.settings_key, *resources},
    }
    if not first:
        options["automation_condition"] = DOWNSTREAM
    return options


def audit_metadata(context: dg.AssetExecutionContext, policy: Policy, audit: Mapping[str, Any]) -> dict[str, Any]:
    """Dagster metadata from an audit record: numbers as numbers, structures as JSON. The policy
    file's SHA-256 sits beside the escalation rung that was applied on top of it."""
    tags = context.run.tags
    attempt = run_tags.attempt_of(tags)
    metadata: dict[str, Any] = {
        "policy_sha256": policy.sha256(),
        "policy_rung": attempt - 1,
        "policy_version": policy.version,
        "dataset": policy.dataset.name,
        "attempt": attempt,
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


def trend_figures(report: Mapping[str, Any]) -> dict[str, float | int]:
    """The figures a reviewer follows from run to run, as plain numbers the UI can plot."""
    risk = report.get("risk") or {}
    prosecutor = risk.get("prosecutor") or {}
    privacy = report.get("privacy") or {}
    rows = report.get("rows") or {}
    figures = {
        "k_achieved": risk.get("k_achieved"),
        "average_risk": prosecutor.get("average_risk"),
        "highest_risk": prosecutor.get("highest_risk"),
        "suppressed_rows": rows.get("rows_suppressed", risk.get("suppressed_rows")),
        "information_loss": privacy.get("information_loss"),
        "rows_published": rows.get("rows_published"),
    }
    return {name: value for name, value in figures.items() if isinstance(value, int | float) and not isinstance(value, bool)}


def fingerprint_key(keys: KeysResource) -> bytes:
    return keys.provider().primary(STORAGE_KEY).derive(FINGERPRINT_PURPOSE)


def column_schema(frame: pd.DataFrame, policy: Policy, report: Mapping[str, Any]) -> dg.TableSchema:
    """The published columns with their types, and how each was protected."""
    fields = report.get("fields") or {}
    transformation = (report.get("privacy") or {}).get("transformation") or {}
    columns = []
    for name in frame.columns:
        entry = fields.get(name, {})
        method = entry.get("method", policy.fields[name].effective_method if name in policy.fields else "")
        level = transformation.get(name)
        detail = f", hierarchy level {level}" if level is not None else ""
        columns.append(
            dg.TableColumn(name=str(name), type=str(frame[name].dtype), description=f"{entry.get('class', '')}: {method}{detail}")
        )
    return dg.TableSchema(columns=columns)


def column_lineage(frame: pd.DataFrame, source: dg.AssetKey) -> dg.TableColumnLineage:
    """Each published column comes from the raw column of the same name (the method is in the schema)."""
    return dg.TableColumnLineage(
        {str(name): [dg.TableColumnDep(asset_key=source, column_name=str(name))] for name in frame.columns}
    )


def build_pipeline_assets(spec: DatasetSpec) -> list[dg.AssetsDefinition]:
    """The dataset's stages, from reading the input to publishing it."""
    input_kind = spec.policy.dataset.input.format
    output_kind = OUTPUT_KINDS[spec.policy.dataset.output.format]

    @dg.asset(name=RAW_RECORDS, **stage_options(spec, "pandas", input_kind, first=True, resources=(KEYS,)), io_manager_key=STAGE_IO)
    def raw_records(context: dg.AssetExecutionContext) -> StageOutput:
        """The input table as read, before anything is protected. Encrypted at rest, never published.

        Its fingerprint carries an HMAC of the content under a subkey of the `storage` key, so a
        reviewer can tell which input a run read without the input being stored in the audit trail.
        """
        with one_line_failures():
            policy = stage_policy(context, spec)
            location = dataset_settings(context, spec).input_location(policy)
            source = describe_location(location)
            records = stages.ingest(read_table(location), policy, source, fingerprint_key(context.resources.keys))
        context.log.info(f"read {len(records.frame)} rows and {records.frame.shape[1]} columns from {source}")
        context.add_output_metadata(audit_metadata(context, policy, records.audits[RAW_RECORDS]))
        return records

    return [raw_records, *build_downstream_assets(spec, output_kind)]


def build_downstream_assets(spec: DatasetSpec, output_kind: str) -> list[dg.AssetsDefinition]:
    """Every stage after `raw_records`, whichever way the input was read."""
    raw_in = {RAW_RECORDS: dg.AssetIn(key=spec.key(RAW_RECORDS))}

    @dg.asset(
        name=FIELD_CLASSIFICATION,
        **stage_options(spec, "json"),
        ins=raw_in,
        io_manager_key=JSON_IO,
        check_specs=[drift_check_spec(spec.key(FIELD_CLASSIFICATION))],
    )
    def field_classification(context: dg.AssetExecutionContext, raw_records: StageOutput) -> Iterator[Any]:
        """Each column's class and method; unlisted columns are rejected or dropped, never passed on.
        Its drift check warns when the values call for a stronger class than the policy declares."""
        with one_line_failures():
            policy = stage_policy(context, spec)
            classification = classify_fields(list(raw_records.frame.columns), policy)
        dropped = classification["dropped_unlisted"]
        context.log.info(
            f"classified {len(classification['fields'])} columns"
            + (f"; dropped {len(dropped)} the policy does not list: {', '.join(dropped)}" if dropped else "")
        )
        yield dg.Output(classification, metadata=audit_metadata(context, policy, classification))
        yield drift_check_result(spec.key(FIELD_CLASSIFICATION), raw_records.frame, policy)

    @dg.asset(
        name=IDENTIFIERS_PROTECTED,
        **stage_options(spec, "pandas", resources=(KEYS,)),
        ins=raw_in | {FIELD_CLASSIFICATION: dg.AssetIn(key=spec.key(FIELD_CLASSIFICATION))},
        io_manager_key=STAGE_IO,
    )
    def identifiers_protected(
        context: dg.AssetExecutionContext, raw_records: StageOutput, field_classification: dict[str, Any]
    ) -> StageOutput:
        """Direct identifiers removed, masked or replaced by keyed pseudonyms."""
        with one_line_failures():
            policy = stage_policy(context, spec)
            records = stages.protect_identifiers(raw_records, field_classification, policy, context.resources.keys.provider())
        audit = records.audits[IDENTIFIERS_PROTECTED]
        context.log.info(_applied_line("protected direct identifiers", audit["applied"], len(records.frame)))
        context.add_output_metadata(audit_metadata(context, policy, audit))
        return records

    @dg.asset(
        name=QUASI_IDENTIFIERS_GENERALIZED,
        **stage_options(spec, "pandas"),
        ins={IDENTIFIERS_PROTECTED: dg.AssetIn(key=spec.key(IDENTIFIERS_PROTECTED))},
        io_manager_key=STAGE_IO,
    )
    def quasi_identifiers_generalized(context: dg.AssetExecutionContext, identifiers_protected: StageOutput) -> StageOutput:
        """Quasi-identifiers generalized by the optimal transformation that meets the privacy targets."""
        with one_line_failures():
            policy = stage_policy(context, spec)
            if policy.quasi_identifiers:
                context.log.info(
                    f"searching generalizations of {len(policy.quasi_identifiers)} quasi-identifiers over "
                    f"{len(identifiers_protected.frame)} rows ({policy.privacy.algorithm if policy.privacy else 'none'})"
                )
            records = stages.generalize_quasi_identifiers(identifiers_protected, policy)
        audit = records.audits[QUASI_IDENTIFIERS_GENERALIZED]
        privacy = audit.get("privacy") or {}
        if privacy:
            context.log.info(
                f"searched {privacy.get('nodes_checked')} transformations; chose {privacy.get('transformation')}, "
                f"{privacy.get('suppressed_rows')} rows suppressed"
            )
        context.add_output_metadata(audit_metadata(context, policy, audit) | _privacy_figures(privacy))
        return records

    @dg.asset(
        name=SENSITIVE_PROTECTED,
        **stage_options(spec, "pandas", resources=(KEYS,)),
        ins={QUASI_IDENTIFIERS_GENERALIZED: dg.AssetIn(key=spec.key(QUASI_IDENTIFIERS_GENERALIZED))},
        io_manager_key=STAGE_IO,
    )
    def sensitive_protected(context: dg.AssetExecutionContext, quasi_identifiers_generalized: StageOutput) -> StageOutput:
        """Sensitive values encrypted, hashed or perturbed: the candidate for publication."""
        with one_line_failures():
            policy = stage_policy(context, spec)
            records = stages.protect_sensitive(quasi_identifiers_generalized, policy, context.resources.keys.provider())
        audit = records.audits[SENSITIVE_PROTECTED]
        context.log.info(_applied_line("protected sensitive and other values", audit["applied"], len(records.frame)))
        context.add_output_metadata(audit_metadata(context, policy, audit))
        return records

    @dg.asset(
        name=RISK_ASSESSMENT,
        **stage_options(spec, "pandas", "greatexpectations"),
        ins={SENSITIVE_PROTECTED: dg.AssetIn(key=spec.key(SENSITIVE_PROTECTED))} | raw_in,
        io_manager_key=JSON_IO,
        check_specs=target_check_specs(spec, spec.key(RISK_ASSESSMENT)),
    )
    def risk_assessment(
        context: dg.AssetExecutionContext, sensitive_protected: StageOutput, raw_records: StageOutput
    ) -> Iterator[Any]:
        """Re-identification risk of the candidate, the Great Expectations suite, and whether every
        target holds (one check per target). Reads the raw records only to compare keyed digests
        of their identifiers."""
        with one_line_failures():
            policy = stage_policy(context, spec)
            settings = dataset_settings(context, spec)
            run_dir = assessment_directory(settings.report_directory(policy), context.run_id)
            context.log.info(f"assessing the risk of {len(sensitive_protected.frame)} candidate rows")
            assessment = stages.assess(sensitive_protected, policy, raw_records.frame, run_dir / "data_docs", plots=True)
            if not assessment.passed:
                report_rejection(sensitive_protected, assessment, policy, run_dir)
        verdict = "every target met" if assessment.passed else "unmet: " + "; ".join(assessment.failures)
        context.log.info(f"assessed in {assessment.seconds:.1f} s: {verdict}")
        figures = assessment.model_dump(mode="json", exclude={"plots"})
        yield dg.Output(
            assessment,
            metadata=audit_metadata(context, policy, figures)
            | trend_figures({"risk": figures["risk"]})
            | {"plots": dg.MetadataValue.md(render_plots_markdown(assessment.plots))},
        )
        yield from target_check_results(spec, spec.key(RISK_ASSESSMENT), assessment)

    @dg.asset(
        name=ANONYMIZED_DATASET,
        **stage_options(spec, output_kind, resources=(STAGE_IO,)),
        ins={
            SENSITIVE_PROTECTED: dg.AssetIn(key=spec.key(SENSITIVE_PROTECTED)),
            RISK_ASSESSMENT: dg.AssetIn(key=spec.key(RISK_ASSESSMENT)),
        },
        check_specs=release_check_specs(spec, spec.key(ANONYMIZED_DATASET)),
    )
    def anonymized_dataset(
        context: dg.AssetExecutionContext, sensitive_protected: StageOutput, risk_assessment: Assessment
    ) -> dg.MaterializeResult:
        """The published output: written only when the assessment passed (write–audit–publish),
        with the release's checks (rows reconciled, schema, no raw identifier leaked).

        After a publish, intermediate stage files older than the policy's retention are deleted.
        """
        with one_line_failures():
            policy = stage_policy(context, spec)
            settings = dataset_settings(context, spec)
            output = settings.output_location(policy)
            report = publish(sensitive_protected, risk_assessment, policy, output, settings.report_directory(policy))
        context.log.info(f"published {report['rows']['rows_published']} rows to {describe_location(output)}")
        stage_io_manager: StageParquetIOManager = context.resources.stage_io_manager
        purged = purge_intermediates(Path(stage_io_manager.base_dir), policy.retention.intermediate_seconds, dataset=spec.name)
        frame = restore_integer_columns(sensitive_protected.frame, policy)
        return dg.MaterializeResult(
            metadata=audit_metadata(context, policy, report | {"intermediates_purged": len(purged)})
            | trend_figures(report)
            | {
                "dagster/column_schema": column_schema(frame, policy, report),
                "dagster/column_lineage": column_lineage(frame, spec.key(RAW_RECORDS)),
            },
            check_results=release_check_results(spec, spec.key(ANONYMIZED_DATASET), risk_assessment),
        )

    return [
        field_classification,
        identifiers_protected,
        quasi_identifiers_generalized,
        sensitive_protected,
        risk_assessment,
        anonymized_dataset,
    ]


def _privacy_figures(privacy: Mapping[str, Any]) -> dict[str, Any]:
    figures = {name: privacy.get(name) for name in ("k_achieved", "information_loss", "nodes_checked")}
    return {name: value for name, value in figures.items() if isinstance(value, int | float) and not isinstance(value, bool)}


def _applied_line(what: str, applied: Mapping[str, Mapping[str, Any]], rows: int) -> str:
    if not applied:
        return f"{what}: none in this policy ({rows} rows)"
    methods = ", ".join(f"{name} ({entry['method']})" for name, entry in applied.items())
    return f"{what} in {rows} rows: {methods}"
