"""The risk section of report.md, from the risk summary (figures only)."""

from __future__ import annotations

import json
from typing import Any

from anonymization_pipeline.core.reporting.svg import svg_data_uri


def format_number(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def success_rate(result: dict) -> tuple[Any, str]:
    """The attack's success rate (correct matches when known) and its 95 % interval as text:
    "exact" when the whole list was attacked, else the interval and the sample.

    >>> success_rate({"attempts": 10, "expected_success_rate": 0.5})
    (0.5, 'exact (whole list)')
    >>> success_rate({"attempts": 100, "listed": 900, "attacker_expected_success_rate": 0.2,
    ...               "ci95": {"attacker_expected_success_rate": [0.13, 0.29]}})
    (0.2, '[0.13, 0.29] (sample of 100 of 900)')
    """
    name = "expected_success_rate" if "expected_success_rate" in result else "attacker_expected_success_rate"
    interval = (result.get("ci95") or {}).get(name)
    if interval is None:
        return result.get(name), "exact (whole list)"
    low, high = interval
    return result.get(name), f"[{format_number(low)}, {format_number(high)}] (sample of {result['attempts']} of {result['listed']})"


ATTACK_NOTE = (
    "The attacker's expected success rate counts every listed person who matches a class as 1/(class size) "
    "of a re-identification, as `anonymize attack` reports it without the hidden truth; the expected success "
    "rate counts only the people really in the class (the benchmark's ground truth), so decoys and people "
    "not published, who also match, make the first larger than the second."
)


def _attack_lines(attack: dict[str, dict]) -> list[str]:
    lines = [
        "",
        "### Linkage attack",
        "",
        "| scenario | attempts | uniquely matched | matched correctly | expected correct | attacker's expected success rate | expected success rate | 95 % interval |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, result in attack.items():
        _, interval = success_rate(result)
        lines.append(
            f"| {name} | {result.get('attempts', 0)} | {result.get('uniquely_matched', 0)} | "
            f"{format_number(result.get('matched_correctly'))} | {format_number(result.get('expected_correct'))} | "
            f"{format_number(result.get('attacker_expected_success_rate'))} | {format_number(result.get('expected_success_rate'))} | {interval} |"
        )
    return lines + ["", ATTACK_NOTE]


def render_risk_markdown(risk_summary: dict) -> str:
    """The `## Re-identification risk` section: verdict, unmet targets, the models' figures.

    `risk_summary` is `RiskAssessment.summary`, optionally with `failures` and with `attack`
    (scenario name -> `run_linkage_attack` result).

    >>> print(render_risk_markdown({"passed": True, "k_achieved": 5}).splitlines()[2])
    - Verdict: **passed**
    """
    prosecutor = risk_summary.get("prosecutor", {})
    uniqueness = risk_summary.get("population_uniqueness", {})
    lines = [
        "## Re-identification risk",
        "",
        f"- Verdict: **{'passed' if risk_summary.get('passed') else 'failed'}**",
    ]
    lines += [f"- Unmet: {failure}" for failure in risk_summary.get("failures", [])]
    lines += [
        "",
        "| measure | value |",
        "|---|---:|",
        f"| equivalence classes | {format_number(risk_summary.get('equivalence_classes'))} |",
        f"| k achieved (smallest class) | {format_number(risk_summary.get('k_achieved'))} |",
        f"| suppressed rows (left out of the risk models) | {format_number(risk_summary.get('suppressed_rows'))} |",
        f"| prosecutor: highest risk | {format_number(prosecutor.get('highest_risk'))} |",
        f"| prosecutor: average risk | {format_number(prosecutor.get('average_risk'))} |",
        f"| prosecutor: records at risk (above the policy threshold) | {format_number(prosecutor.get('records_at_risk'))} |",
    ]
    for threshold, share in prosecutor.get("records_at_risk_by_threshold", {}).items():
        lines.append(f"| records with risk above {threshold} | {format_number(share)} |")
    lines.append(f"| sample uniques | {format_number(prosecutor.get('sample_uniques'))} |")
    journalist = risk_summary.get("journalist")
    if journalist:
        lines += [
            f"| journalist: highest risk | {format_number(journalist.get('highest_risk'))} |",
            f"| journalist: average risk | {format_number(journalist.get('average_risk'))} |",
            f"| journalist: records at risk | {format_number(journalist.get('records_at_risk'))} |",
        ]
    lines.append(f"| marketer: expected share re-identified | {format_number(risk_summary.get('marketer_success_rate'))} |")
    if uniqueness:
        lines.append(
            f"| population uniques ({uniqueness.get('selected')}, sampling fraction "
            f"{format_number(uniqueness.get('sampling_fraction'))}) | {format_number(uniqueness.get('population_uniques'))} |"
        )
    sensitive = risk_summary.get("sensitive", {})
    if sensitive:
        lines += [
            "",
            "| sensitive column | l distinct | l entropy | l recursive | t equal | t ordered | t hierarchical |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, figures in sensitive.items():
            lines.append(
                f"| {name} | {format_number(figures.get('l_distinct'))} | {format_number(figures.get('l_entropy'))} | "
                f"{format_number(figures.get('l_recursive'))} | {format_number(figures.get('t_equal'))} | "
                f"{format_number(figures.get('t_ordered'))} | {format_number(figures.get('t_hierarchical'))} |"
            )
    if risk_summary.get("attack"):
        lines += _attack_lines(risk_summary["attack"])
    return "\n".join(lines) + "\n"


def render_answer_markdown(report: dict[str, Any]) -> str:
    """The report's answer, first: each target's figure beside its limit, the transformation in
    words (and why k achieved exceeds the k asked), the validation as a short table.

    >>> print(render_answer_markdown({"targets": [{"target": "average prosecutor risk ≤ 0.05",
    ...     "achieved": 0.04, "limit": 0.05, "met": True}], "validation": {"results": []}}).splitlines()[4])
    | average prosecutor risk ≤ 0.05 | 0.04 | 0.05 | met |
    """
    lines = ["## Targets", "", "| target | achieved | limit | verdict |", "|---|---:|---:|---|"]
    for row in report.get("targets", []):
        lines.append(
            f"| {row['target']} | {format_number(row['achieved'])} | {format_number(row['limit'])} | "
            f"{'met' if row['met'] else '**not met**'} |"
        )
    privacy = report.get("privacy") or {}
    if privacy:
        lines += ["", "## Transformation", ""]
        levels = report.get("transformation_levels") or {}
        lines += [f"- {column}: {text}" for column, text in levels.items()]
        lines += [
            f"- {format_number(privacy.get('suppressed_rows'))} rows suppressed; {privacy.get('algorithm')} search, "
            f"{format_number(privacy.get('nodes_checked'))} transformations checked, metric {privacy.get('metric')} "
            f"(information loss {format_number(privacy.get('information_loss'))})"
        ]
        if report.get("why_k"):
            lines += ["", report["why_k"]]
    lines += ["", "## Validation (Great Expectations)", "", "| expectation | columns | result |", "|---|---|---|"]
    for result in report.get("validation", {}).get("results", []):
        lines.append(
            f"| {result['expectation']} | {', '.join(result['columns']) or 'table'} | "
            f"{'passed' if result['success'] else '**failed**'} |"
        )
    return "\n".join(lines) + "\n"


def render_appendix_markdown(report: dict[str, Any]) -> str:
    """The raw figures for a machine or an auditor: the privacy summary and validation as JSON."""
    raw = {"privacy": report.get("privacy"), "validation": report.get("validation")}
    return "## Appendix: raw figures\n\n```json\n" + json.dumps(raw, indent=2, default=str) + "\n```\n"


def render_plots_markdown(plots: dict[str, str]) -> str:
    """The plots as Markdown images with embedded SVG (for the risk_assessment asset's metadata).

    >>> render_plots_markdown({"risk_bands": "<svg/>"})
    '![risk_bands](data:image/svg+xml;base64,PHN2Zy8+)\\n'
    """
    return "\n\n".join(f"![{name}]({svg_data_uri(svg)})" for name, svg in plots.items()) + "\n"
