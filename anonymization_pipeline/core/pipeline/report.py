"""The run report: what a compliance reviewer reads to see what was published and why it is safe.

`report.json` is for machines and `report.md` for people; both are built from the audit records
that travelled with the data, so they hold figures and names only, never a value or a key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any

from anonymization_pipeline.core.io.atomic_files import atomic_output
from anonymization_pipeline.core.reporting import render_html_report, render_risk_markdown
from anonymization_pipeline.core.pipeline.report_model import Assessment, RunReport
from anonymization_pipeline.core.reporting.levels import describe_transformation
from anonymization_pipeline.core.reporting.risk_markdown import render_answer_markdown, render_appendix_markdown
from anonymization_pipeline.core.reporting.targets import target_rows, why_k_exceeds
from anonymization_pipeline.core.pipeline.stage_output import StageOutput
from anonymization_pipeline.core.pipeline.stages import (
    IDENTIFIERS_PROTECTED,
    QUASI_IDENTIFIERS_GENERALIZED,
    RAW_RECORDS,
    SENSITIVE_PROTECTED,
    row_accounting,
)
from anonymization_pipeline.core.policy import Policy


def build_report(
    records: StageOutput,
    assessment: Assessment,
    policy: Policy,
    output: str | None,
) -> RunReport:
    """`output` describes where the data went (None: returned in-process, not written). Built once
    as its typed model, so report.json always fits its JSON Schema."""
    audits = records.audits
    protected = audits[IDENTIFIERS_PROTECTED]
    applied = {**protected["applied"], **audits[SENSITIVE_PROTECTED]["applied"]}
    privacy = audits[QUASI_IDENTIFIERS_GENERALIZED].get("privacy")
    targets = target_rows(policy, assessment.risk.model_dump(mode="json"))
    fields = {
        name: {"class": entry["class"], "method": entry["method"], **_without_method(applied.get(name, {}))}
        for name, entry in protected["classification"].items()
    }
    report = {
        "tool": {"name": "anonymization_pipeline", "version": version("anonymization_pipeline")},
        "dataset": policy.dataset.name,
        "policy_sha256": policy.sha256(),
        "status": "published" if assessment.passed else "not_published",
        "output": output if assessment.passed else None,
        "rows": row_accounting(records),
        "input": audits[RAW_RECORDS]["fingerprint"],
        "fields": fields,
        "key_ids": sorted({stats["key_id"] for stats in applied.values() if "key_id" in stats}),
        "dropped_unlisted": protected["dropped_unlisted"],
        "privacy": privacy,
        "targets": targets,
        "transformation_levels": describe_transformation(policy, (privacy or {}).get("transformation") or {}),
        "why_k": why_k_exceeds(
            policy.privacy.k if policy.privacy else None,
            assessment.risk.k_achieved,
            row_accounting(records),
            [row["target"] for row in targets if not row["target"].startswith("k-")],
        ),
        "failures": assessment.failures,
        "risk": assessment.risk,
        "validation": assessment.validation,
        "timings": {stage: audit["seconds"] for stage, audit in audits.items() if "seconds" in audit}
        | {"risk_assessment": assessment.seconds}
        | {f"risk_assessment.{part}": seconds for part, seconds in assessment.timings.items()},
        "source": audits[RAW_RECORDS]["source"],
    }
    return RunReport.model_validate(report)


def render_markdown(report: Mapping[str, Any]) -> str:
    rows = report["rows"]
    lines = [
        f"# Anonymization report: {report['dataset']}",
        "",
        f"- Status: **{report['status'].replace('_', ' ')}**",
        f"- Policy SHA-256: `{report['policy_sha256']}`",
        f"- Tool: {report['tool']['name']} {report['tool']['version']}",
        f"- Output: {report['output'] or 'not written'}",
        "",
        "## Rows",
        "",
        "| in | published | generalized | suppressed |",
        "|---:|---:|---:|---:|",
        f"| {rows['rows_in']} | {rows['rows_published']} | {rows['rows_generalized']} | {rows['rows_suppressed']} |",
        "",
        "## Fields",
        "",
        "| field | class | method | values changed | nulls |",
        "|---|---|---|---:|---:|",
    ]
    for name, entry in report["fields"].items():
        lines.append(
            f"| {name} | {entry['class']} | {entry['method']} | {entry.get('changed', '')} | {entry.get('nulls', '')} |"
        )
    if report["dropped_unlisted"]:
        lines += ["", "Dropped because the policy does not list them: " + ", ".join(report["dropped_unlisted"])]
    if report["failures"]:
        lines += ["", "## Not published because", ""] + [f"- {failure}" for failure in report["failures"]]
    lines += ["", render_answer_markdown(dict(report)).rstrip()]
    lines += ["", render_risk_markdown(report["risk"]).rstrip()]
    lines += ["", "## Timings (s)", ""] + [f"- {stage}: {seconds}" for stage, seconds in report["timings"].items()]
    lines += ["", render_appendix_markdown(dict(report)).rstrip()]
    return "\n".join(lines) + "\n"


def write_report(report: RunReport, plots: Mapping[str, str], directory: Path) -> dict[str, Path]:
    """Write report.json, report.md and the self-contained report.html atomically.

    `plots` are SVG documents by name, as the risk stage draws them when asked to.
    """
    paths = {"json": directory / "report.json", "markdown": directory / "report.md", "html": directory / "report.html"}
    document = report.to_dict()
    texts = {
        "json": json.dumps(document, indent=2, default=str) + "\n",
        "markdown": render_markdown(document),
        "html": render_html_report(document, dict(plots)),
    }
    for kind, path in paths.items():
        with atomic_output(path) as temporary:
            temporary.write_text(texts[kind], encoding="utf-8")
    return paths


def _without_method(stats: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in stats.items() if key != "method"}
