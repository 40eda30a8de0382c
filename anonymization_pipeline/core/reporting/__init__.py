"""The human-readable risk report: plots (SVG), a self-contained HTML page, and report.md's risk section.

Light to import (no risk model, no SciPy): Dagster's step processes load it with the assets.
`information_loss` reads equivalence classes and is imported by the risk stage that plots it.
"""

from anonymization_pipeline.core.reporting.html_report import render_html_report
from anonymization_pipeline.core.reporting.plots import risk_plots
from anonymization_pipeline.core.reporting.risk_markdown import render_plots_markdown, render_risk_markdown

__all__ = ["render_html_report", "render_plots_markdown", "render_risk_markdown", "risk_plots"]
