"""The risk report: markdown section, information loss, plots, and the self-contained HTML page."""

from __future__ import annotations

import re
import shutil
from xml.etree import ElementTree
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline.core.reporting import (
    render_html_report,
    render_plots_markdown,
    render_risk_markdown,
    risk_plots,
)
from anonymization_pipeline.core.reporting.information_loss import column_information_loss
from anonymization_pipeline.core.reporting.plots import _quantiles, marginal_comparison, safe_categories, value_counts
from anonymization_pipeline.core.risk import assess_risk
from anonymization_pipeline_tests.core.risk.policies import small_policy

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def people(rows: int = 400, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 90, rows).astype(str),
            "zip": rng.integers(10000, 10200, rows).astype(str),
            "diagnosis": rng.choice(["flu", "cold", "asthma"], rows),
        }
    )


def published(raw: pd.DataFrame) -> pd.DataFrame:
    out = raw.copy()
    decade = raw["age"].astype(int) // 10 * 10
    out["age"] = "[" + decade.astype(str) + "-" + (decade + 9).astype(str) + "]"
    out["zip"] = raw["zip"].str[:3] + "**"
    small = out.groupby(["age", "zip"])["zip"].transform("size") < 5
    out.loc[small, ["age", "zip"]] = "*"
    return out


def test_information_loss_is_the_conditional_entropy_share():
    before = pd.DataFrame({"a": ["1", "2", "3", "4"], "b": ["x", "x", "y", "y"]})
    after = pd.DataFrame({"a": ["1", "2", "3", "4"], "b": ["*", "*", "*", "*"]})
    assert column_information_loss(before, after, ["a", "b"]) == {"a": 0.0, "b": 1.0}
    removed = column_information_loss(before, after.iloc[:2], ["a"])
    # H(raw) = 2 bits; the two removed rows leave 1 bit of doubt with probability 1/2: 0.5 / 2
    assert removed == {"a": pytest.approx(0.25)}


def test_rare_raw_values_are_pooled_in_the_marginals():
    counts = safe_categories(value_counts(pd.Series(["common"] * 6 + ["rare-1", "rare-2"])), 5)
    assert counts.to_dict() == {"common": 6, "other (2 values)": 2}


def test_marginal_quantiles_from_counts_are_those_of_the_repeated_values():
    values, weights = np.array([7.0, 1.0, 3.0, 12.5]), np.array([3.0, 1.0, 5.0, 2.0])
    shares = np.linspace(0.05, 0.95, 7)
    expected = np.quantile(np.repeat(values, weights.astype(int)), shares)
    assert _quantiles(values, weights, shares) == pytest.approx(expected)


def _labels(svg: str) -> set[str]:
    return {label.text for label in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")}


def test_marginals_label_common_categories_and_round_numbers_only():
    categories = value_counts(pd.Series(["common"] * 6 + ["rare-a", "rare-b"], name="c"))
    labels = _labels(marginal_comparison(categories, categories, 5))
    assert {"common", "other (2 values)"} <= labels and not labels & {"rare-a", "rare-b"}
    odd = value_counts(pd.Series(np.arange(10_001, 10_400, 2).astype(str), name="n"))  # every value odd, each one once
    numbers = {label for label in _labels(marginal_comparison(odd, odd, 5)) if label[0].isdigit()}
    assert numbers and all(int(label) % 10 == 0 for label in numbers)


def test_risk_markdown_section():
    summary = assess_risk(published(people()), small_policy(["age", "zip"], ["diagnosis"], privacy={"k": 5})).summary
    summary["attack"] = {"raw": {"attempts": 10, "uniquely_matched": 9, "matched_correctly": 9, "expected_correct": 9.5, "expected_success_rate": 0.95}}
    text = render_risk_markdown(summary)
    lines = text.splitlines()
    assert lines[:3] == ["## Re-identification risk", "", "- Verdict: **passed**"]
    assert f"| k achieved (smallest class) | {summary['k_achieved']} |" in lines
    assert "| raw | 10 | 9 | 9 | 9.5 | n/a | 0.95 | exact (whole list) |" in lines
    assert lines[-1].startswith("The attacker's expected success rate counts every listed person")
    assert "| sensitive column | l distinct | l entropy | l recursive | t equal | t ordered | t hierarchical |" in lines


def test_plots_as_markdown_images_for_asset_metadata():
    assert render_plots_markdown({"a": "AB", "b": "C"}) == "![a](data:image/svg+xml;base64,QUI=)\n\n![b](data:image/svg+xml;base64,Qw==)\n"


def report_and_plots(tmp_path: Path) -> tuple[dict, dict[str, str], pd.DataFrame]:
    raw = people()
    out = published(raw)
    assessment = assess_risk(out, small_policy(["age", "zip"], ["diagnosis"], privacy={"k": 5}))
    attacks = {
        "raw data": {"attempts": 400, "matched": 400, "uniquely_matched": 350, "matched_correctly": 350, "expected_correct": 370.0},
        "published": {"attempts": 400, "matched": 380, "uniquely_matched": 0, "matched_correctly": 0, "expected_correct": 30.0},
    }
    plots = risk_plots(
        assessment.summary,
        attacks=attacks,
        information_loss=column_information_loss(raw, out, ["age", "zip"]),
        before={name: value_counts(raw[name]) for name in ("age", "zip")},
        after={name: value_counts(out[name]) for name in ("age", "zip")},
    )
    report = {
        "dataset": "people",
        "status": "published",
        "policy_sha256": "0" * 64,
        "rows": {"rows_in": 400, "rows_published": 400},
        "fields": {"age": {"class": "quasi_identifier", "method": "generalize"}},
        "risk": {**assessment.summary, "failures": assessment.failures},
        "attack": attacks,
        "validation": {"passed": True, "results": [{"expectation": "expect_table_row_count_to_equal", "columns": [], "success": True, "statistics": {"observed_value": 400}}]},
    }
    return report, plots, raw


def test_the_html_page_is_self_contained_and_holds_no_unsafe_value(tmp_path):
    report, plots, raw = report_and_plots(tmp_path)
    assert set(plots) == {"class_sizes", "risk_bands", "information_loss", "marginal_age", "marginal_zip", "attack"}
    for svg in plots.values():
        assert ElementTree.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"
        assert "<script" not in svg and "href" not in svg
    page = render_html_report(report, plots)
    assert page.count("<img ") == len(plots)
    assert len(re.findall(r'src="data:image/svg\+xml;base64,', page)) == len(plots)
    assert not re.search(r"(src|href)=\"(https?:|//)", page)
    assert "<script" not in page
    unsafe = raw[published(raw)["age"] == "*"]
    text = re.sub(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]+", "", page)
    for value in set(unsafe["zip"]):
        assert value not in text


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed (apt-get install chromium)")
def test_the_page_renders_its_images_in_headless_chromium(tmp_path):
    from playwright.sync_api import sync_playwright

    report, plots, _ = report_and_plots(tmp_path)
    path = tmp_path / "report.html"
    path.write_text(render_html_report(report, plots), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            widths = page.eval_on_selector_all("img", "images => images.map(i => i.complete ? i.naturalWidth : 0)")
            heading = page.inner_text("h1")
            page.screenshot(path=str(ARTIFACTS / "risk-report.png"), full_page=True)
        finally:
            browser.close()
    assert heading == "Anonymization report: people"
    assert len(widths) == len(plots) and all(width > 100 for width in widths)
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []
