"""The synthetic run's report for people (report.md) and machines (report.json): figures and
names only, never a value of the data."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from anonymization_pipeline.core.io.atomic_files import atomic_output


def render_synthetic_markdown(report: Mapping[str, Any]) -> str:
    rows = report["rows"]
    evaluation = report["evaluation"]
    quality, privacy, utility = evaluation["quality"], evaluation["privacy"], evaluation["ml_utility"]
    lines = [
        f"# Synthetic data report: {report['dataset']}",
        "",
        f"- Status: **{report['status'].replace('_', ' ')}**",
        f"- Method: {report['method']}, seed {report['seed']}",
        f"- Policy SHA-256: `{report['policy_sha256']}`",
        f"- Output: {report['output'] or 'not written'}",
    ]
    budget = report["privacy_budget"]
    if budget:
        lines.append(f"- Privacy budget spent: ε = {budget['epsilon']} ({budget['mechanism']})")
    lines += [
        "",
        "## Rows",
        "",
        "| in | training | hold-out | synthetic (published) |",
        "|---:|---:|---:|---:|",
        f"| {rows['rows_in']} | {rows['rows_training']} | {rows['rows_holdout']} | {rows['rows_published']} |",
        "",
        "## Columns",
        "",
        "| column | treatment | kind | parents in the model |",
        "|---|---|---|---|",
    ]
    parents = {node["column"]: ", ".join(node["parents"]) for node in report["structure"]}
    for name, entry in report["columns"].items():
        lines.append(f"| {name} | {entry['treatment']} | {entry.get('kind', '')} | {parents.get(name, '')} |")
    lines += [
        "",
        "## Targets",
        "",
        "| check | value | target | met |",
        "|---|---:|---|---|",
    ]
    for target in report["targets"]:
        relation = "≥" if target["target"].startswith("min_") else "≤"
        lines.append(f"| {target['check']} | {target['value']} | {relation} {target['bound']} | {'yes' if target['passed'] else 'NO'} |")
    lines += [
        "",
        "## Quality (SDMetrics' definitions)",
        "",
        f"- Score: {quality['score']} (column shapes {quality['column_shapes']}, pair trends {quality['pair_trends']})",
        "",
        "| column | shape |",
        "|---|---:|",
    ]
    lines += [f"| {name} | {score} |" for name, score in quality["columns"].items()]
    if utility:
        lines += [
            "",
            "## Machine-learning utility",
            "",
            f"- Predicting {utility['target']} on the real hold-out ({utility['metric']}): "
            f"trained on synthetic {utility['synthetic']}, trained on real {utility['real']}",
        ]
    lines += [
        "",
        "## Privacy against a real hold-out",
        "",
        "| measure | synthetic | hold-out | ratio |",
        "|---|---:|---:|---:|",
        f"| copies of rows unique in training | {privacy['unique_copies_synthetic']} | {privacy['unique_copies_holdout']} | {privacy['unique_copy_ratio']} |",
        f"| distance to closest training row, 5th percentile | {privacy['dcr_p5_synthetic']} | {privacy['dcr_p5_holdout']} | {privacy['dcr_ratio']} |",
        f"| share at distance 0 | {privacy['exact_matches_synthetic']} | {privacy['exact_matches_holdout']} | |",
        "",
        f"- Membership inference AUC (training vs hold-out rows by distance to the synthetic rows): {privacy['membership_auc']}",
    ]
    if report["failures"]:
        lines += ["", "## Not published because", ""] + [f"- {failure}" for failure in report["failures"]]
    lines += ["", "## Timings (s)", ""] + [f"- {stage}: {seconds}" for stage, seconds in report["timings"].items()]
    return "\n".join(lines) + "\n"


def write_synthetic_report(report: Mapping[str, Any], directory: Path) -> dict[str, Path]:
    """report.json and report.md in `directory`, each written atomically."""
    texts = {
        directory / "report.json": json.dumps(report, indent=2, default=str) + "\n",
        directory / "report.md": render_synthetic_markdown(report),
    }
    for path, text in texts.items():
        with atomic_output(path) as temporary:
            temporary.write_text(text, encoding="utf-8")
    return {"json": directory / "report.json", "markdown": directory / "report.md"}
