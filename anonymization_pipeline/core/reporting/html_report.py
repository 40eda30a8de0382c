"""report.html: one self-contained page (inline style, images as base64 SVG, no script, no link out).

A compliance reviewer can open it offline or attach it to a ticket. Every text is escaped, and
the page shows only what the report dict holds (figures and names, never values of the data).
"""

from __future__ import annotations

import html
import json
from typing import Any

from anonymization_pipeline.core.reporting.risk_markdown import ATTACK_NOTE, format_number, success_rate
from anonymization_pipeline.core.reporting.svg import svg_data_uri

CAPTIONS = {
    "class_sizes": "Equivalence class sizes: how many classes have each size. A class smaller than k would be a re-identification risk.",
    "risk_bands": "Records by band of individual re-identification risk (prosecutor model, 1/class size).",
    "information_loss": "Share of each quasi-identifier's information that the published values no longer carry.",
    "attack": "Linkage attack with an identified outside list: shares of attacked people matched uniquely and correctly.",
}

STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:60rem;color:#1d2430;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;border-bottom:1px solid #d5dbe3;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #d5dbe3;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f2f5f9}td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:.15rem .6rem;border-radius:.8rem;font-weight:600;color:#fff}
.pass{background:#2f7d4a}.fail{background:#b3362f}figure{margin:1rem 0}figure img{max-width:100%;border:1px solid #e3e7ee}
figcaption{font-size:.85rem;color:#4a5566}code{font-size:.85rem}ul.failures li{color:#b3362f}
"""


def _escape(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return f"<code>{html.escape(json.dumps(value, default=str))}</code>"
    return html.escape(format_number(value) if isinstance(value, float) or value is None else str(value))


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(name)}</th>" for name in header)
    body = "".join(
        "<tr>" + "".join(f"<td{' class=num' if isinstance(cell, (int, float)) and not isinstance(cell, bool) else ''}>{_escape(cell)}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _pairs(mapping: dict[str, Any]) -> str:
    return _table(["", ""], [[key.replace("_", " "), value] for key, value in mapping.items()])


def _badge(passed: bool, yes: str = "passed", no: str = "failed") -> str:
    return f'<span class="badge {"pass" if passed else "fail"}">{yes if passed else no}</span>'


def _risk_section(risk: dict[str, Any]) -> str:
    prosecutor = risk.get("prosecutor", {})
    parts = [f"<h2>Re-identification risk {_badge(bool(risk.get('passed')))}</h2>"]
    if risk.get("failures"):
        parts.append('<ul class="failures">' + "".join(f"<li>{html.escape(line)}</li>" for line in risk["failures"]) + "</ul>")
    figures = {
        "equivalence classes": risk.get("equivalence_classes"),
        "k achieved (smallest class)": risk.get("k_achieved"),
        "suppressed rows (left out of the risk models)": risk.get("suppressed_rows"),
        "prosecutor: highest risk": prosecutor.get("highest_risk"),
        "prosecutor: average risk": prosecutor.get("average_risk"),
        "prosecutor: records at risk": prosecutor.get("records_at_risk"),
        "sample uniques": prosecutor.get("sample_uniques"),
        "marketer: expected share re-identified": risk.get("marketer_success_rate"),
    }
    journalist = risk.get("journalist")
    if journalist:
        figures.update({f"journalist: {key.replace('_', ' ')}": value for key, value in journalist.items()})
    uniqueness = risk.get("population_uniqueness")
    if uniqueness:
        figures[f"population uniques ({uniqueness.get('selected')})"] = uniqueness.get("population_uniques")
    parts.append(_table(["measure", "value"], [[name, value] for name, value in figures.items()]))
    sensitive = risk.get("sensitive") or {}
    if sensitive:
        columns = ["l_distinct", "l_entropy", "l_recursive", "t_equal", "t_ordered", "t_hierarchical"]
        parts.append(
            _table(["sensitive column"] + [name.replace("_", " ") for name in columns], [[name] + [figures_.get(c) for c in columns] for name, figures_ in sensitive.items()])
        )
    return "".join(parts)


def _attack_section(attack: dict[str, dict]) -> str:
    columns = [
        "attempts",
        "matched",
        "uniquely_matched",
        "matched_correctly",
        "expected_correct",
        "attacker_expected_success_rate",
        "expected_success_rate",
    ]
    rows = [[name] + [result.get(column) for column in columns] + [success_rate(result)[1]] for name, result in attack.items()]
    table = _table(["scenario"] + [c.replace("_", " ") for c in columns] + ["95 % interval"], rows)
    return "<h2>Linkage attack</h2>" + table + f"<p>{html.escape(ATTACK_NOTE)}</p>"


def _validation_section(validation: dict[str, Any]) -> str:
    """A short table here; the counts behind each verdict are in the appendix."""
    rows = [
        [result.get("expectation"), ", ".join(result.get("columns", [])) or "table", "passed" if result.get("success") else "FAILED"]
        for result in validation.get("results", [])
    ]
    return f"<h2>Validation {_badge(bool(validation.get('passed')))}</h2>" + _table(["expectation", "columns", "result"], rows)


def _targets_section(targets: list[dict[str, Any]]) -> str:
    rows = [[row["target"], row["achieved"], row["limit"], "met" if row["met"] else "NOT MET"] for row in targets]
    return "<h2>Targets</h2>" + _table(["target", "achieved", "limit", "verdict"], rows)


def _transformation_section(report: dict[str, Any]) -> str:
    privacy = report.get("privacy") or {}
    levels = report.get("transformation_levels") or {}
    facts = {column: text for column, text in levels.items()} | {
        "suppressed rows": privacy.get("suppressed_rows"),
        "search": f"{privacy.get('algorithm')}, {privacy.get('nodes_checked')} transformations checked",
        f"information loss ({privacy.get('metric')})": privacy.get("information_loss"),
    }
    why = f"<p>{html.escape(report['why_k'])}</p>" if report.get("why_k") else ""
    return "<h2>Transformation</h2>" + _pairs(facts) + why


def _appendix(report: dict[str, Any]) -> str:
    raw = {"privacy": report.get("privacy"), "validation": report.get("validation")}
    return "<h2>Appendix: raw figures</h2><pre><code>" + html.escape(json.dumps(raw, indent=2, default=str)) + "</code></pre>"


def _figure(name: str, svg: str) -> str:
    caption = CAPTIONS.get(name) or (f"Distribution of {name.removeprefix('marginal_')} before and after anonymization (rare values pooled)." if name.startswith("marginal_") else name)
    return f'<figure><img alt="{html.escape(name)}" src="{svg_data_uri(svg)}"><figcaption>{html.escape(caption)}</figcaption></figure>'


def render_html_report(report: dict, plots: dict[str, str]) -> str:
    """The whole report as one HTML page; `plots` maps a plot name to an SVG document (see plots.risk_plots).

    >>> page = render_html_report({"dataset": "adult", "status": "published"}, {})
    >>> page.startswith("<!DOCTYPE html>") and "adult" in page
    True
    """
    title = f"Anonymization report: {report.get('dataset', '')}"
    status = report.get("status")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; style-src \'unsafe-inline\'">',
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    if status is not None:
        parts.append(f"<p>{_badge(status == 'published', 'published', str(status).replace('_', ' '))}</p>")
    overview = {key: report[key] for key in ("policy_sha256", "output", "source") if key in report}
    if "tool" in report:
        overview["tool"] = f"{report['tool'].get('name', '')} {report['tool'].get('version', '')}"
    if overview:
        parts.append("<h2>Overview</h2>" + _pairs(overview))
    if isinstance(report.get("rows"), dict):
        parts.append("<h2>Rows</h2>" + _pairs(report["rows"]))
    if isinstance(report.get("fields"), dict):
        rows = [[name, entry.get("class"), entry.get("method"), entry.get("changed"), entry.get("nulls")] for name, entry in report["fields"].items()]
        parts.append("<h2>Fields</h2>" + _table(["field", "class", "method", "values changed", "nulls"], rows))
    if report.get("failures"):
        parts.append('<h2>Not published because</h2><ul class="failures">' + "".join(f"<li>{html.escape(line)}</li>" for line in report["failures"]) + "</ul>")
    if report.get("targets"):
        parts.append(_targets_section(report["targets"]))
    if isinstance(report.get("privacy"), dict):
        parts.append(_transformation_section(report))
    if isinstance(report.get("validation"), dict):
        parts.append(_validation_section(report["validation"]))
    risk = report.get("risk")
    if isinstance(risk, dict):
        parts.append(_risk_section(risk))
    attack = report.get("attack") or (risk or {}).get("attack")
    if attack:
        parts.append(_attack_section(attack))
    if plots:
        parts.append("<h2>Plots</h2>" + "".join(_figure(name, png) for name, png in plots.items()))
    if isinstance(report.get("timings"), dict):
        parts.append("<h2>Timings (s)</h2>" + _pairs(report["timings"]))
    if isinstance(report.get("privacy"), dict) or isinstance(report.get("validation"), dict):
        parts.append(_appendix(report))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
