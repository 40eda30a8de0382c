"""The human-readable risk report: plots (SVG), a self-contained HTML page, and report.md's risk section."""

from anonymization_pipeline.core.reporting.html_report import render_html_report
from anonymization_pipeline.core.reporting.information_loss import column_information_loss
from anonymization_pipeline.core.reporting.plots import risk_plots
from anonymization_pipeline.core.reporting.risk_markdown import render_plots_markdown, render_risk_markdown

__all__ = ["column_information_loss", "render_html_report", "render_plots_markdown", "render_risk_markdown", "risk_plots"]
