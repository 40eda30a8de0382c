"""The risk report's plots, drawn with matplotlib's Agg backend and returned as PNG bytes.

Plots are drawn from figures (the risk summary, the attack result, per-column loss), except the
marginals, which read the raw and published columns: there, a raw category shared by fewer than
`min_count` rows is pooled into "other", and numeric columns use equal-frequency bins whose outer
edges are quantiles (extremes are folded into the outer bins), so no plot shows the value of a
rare (unsafe) record.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

TOP_CATEGORIES = 12
COLOURS = ("#3b6ea5", "#e08a2c", "#5a9e5a", "#b8463f")


def _png(figure: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=100)
    plt.close(figure)
    return buffer.getvalue()


def class_size_histogram(class_size_distribution: dict[str, int]) -> bytes:
    """Number of classes by class size (log-spaced bins), from the summary's `class_size_distribution`.

    >>> class_size_histogram({"5": 3, "12": 1})[:4]
    b'\\x89PNG'
    """
    sizes = np.array([int(size) for size in class_size_distribution], dtype=float)
    counts = np.array(list(class_size_distribution.values()), dtype=float)
    figure, axes = plt.subplots(figsize=(6.4, 3.6))
    if len(sizes):
        edges = np.unique(np.geomspace(1, max(sizes.max(), 2) + 1, 24).round())
        axes.hist(sizes, bins=edges, weights=counts, color=COLOURS[0])
        axes.set_xscale("log")
    axes.set_xlabel("class size (records sharing one quasi-identifier combination)")
    axes.set_ylabel("classes")
    axes.set_title("Equivalence class sizes")
    return _png(figure)


def risk_band_chart(records_by_risk_band: dict[str, int]) -> bytes:
    """Records per band of individual re-identification risk (prosecutor model).

    >>> risk_band_chart({"(0.5, 1]": 0, "[0, 0.01]": 10})[:4]
    b'\\x89PNG'
    """
    labels = list(records_by_risk_band)
    figure, axes = plt.subplots(figsize=(6.4, 3.6))
    axes.barh(labels[::-1], list(records_by_risk_band.values())[::-1], color=COLOURS[1])
    axes.set_xlabel("records")
    axes.set_ylabel("risk 1/|class|")
    axes.set_title("Records by risk band")
    return _png(figure)


def information_loss_chart(loss: dict[str, float]) -> bytes:
    """Per-column information loss (0 = all detail kept, 1 = nothing left).

    >>> information_loss_chart({"age": 0.4})[:4]
    b'\\x89PNG'
    """
    figure, axes = plt.subplots(figsize=(6.4, 0.5 + 0.4 * max(len(loss), 2)))
    axes.barh(list(loss)[::-1], list(loss.values())[::-1], color=COLOURS[2])
    axes.set_xlim(0, 1)
    axes.set_xlabel("share of the column's information lost, H(raw | published) / H(raw)")
    axes.set_title("Information loss per column")
    return _png(figure)


def safe_categories(column: pd.Series, min_count: int) -> pd.Series:
    """Counts of the most frequent values, values rarer than `min_count` pooled into "other (n values)".

    >>> safe_categories(pd.Series(["a"] * 5 + ["b"]), 5).to_dict()
    {'a': 5, 'other (1 values)': 1}
    """
    counts = column.astype("string").fillna("(missing)").value_counts()
    common = counts[counts >= min_count].head(TOP_CATEGORIES)
    rest = counts.drop(common.index)
    if len(rest):
        common = pd.concat([common, pd.Series({f"other ({len(rest)} values)": int(rest.sum())})])
    return common


def _numeric(column: pd.Series) -> pd.Series | None:
    numbers = pd.to_numeric(column, errors="coerce")
    return numbers if numbers.notna().sum() >= 0.95 * column.notna().sum() and column.notna().any() else None


def _draw_marginal(axes: plt.Axes, column: pd.Series, min_count: int, colour: str, title: str) -> None:
    numbers = _numeric(column)
    if numbers is not None:
        values = numbers.dropna().to_numpy(dtype=float)
        bins = max(1, min(20, len(values) // max(min_count, 1)))
        tail = min(min_count / len(values), 0.5) if len(values) else 0.5
        edges = np.unique(np.quantile(values, np.linspace(tail, 1 - tail, bins + 1))) if len(values) else np.zeros(0)
        if len(edges) > 1:
            counts, _ = np.histogram(np.clip(values, edges[0], edges[-1]), bins=edges)
            axes.bar(edges[:-1], counts / np.diff(edges) / len(values), width=np.diff(edges), align="edge", color=colour)
            axes.set_ylabel("density (equal-frequency bins)")
    else:
        counts = safe_categories(column, min_count)
        axes.barh([str(label) for label in counts.index[::-1]], counts.to_numpy()[::-1], color=colour)
        axes.tick_params(axis="y", labelsize=7)
        axes.set_xlabel("records")
    axes.set_title(title, fontsize=9)


def marginal_comparison(before: pd.Series, after: pd.Series, min_count: int) -> bytes:
    """The raw and the published distribution of one column, side by side.

    >>> marginal_comparison(pd.Series(["a"] * 6), pd.Series(["*"] * 6), 5)[:4]
    b'\\x89PNG'
    """
    figure, (left, right) = plt.subplots(1, 2, figsize=(8.0, 3.6))
    _draw_marginal(left, before, min_count, COLOURS[0], f"{before.name}: before")
    _draw_marginal(right, after, min_count, COLOURS[1], f"{after.name}: published")
    return _png(figure)


def attack_chart(attacks: dict[str, dict]) -> bytes:
    """Linkage attack outcomes per scenario (e.g. raw data vs published data), as shares of attempts.

    >>> attack_chart({"raw": {"attempts": 10, "uniquely_matched": 9, "matched_correctly": 9, "expected_correct": 9.0}})[:4]
    b'\\x89PNG'
    """
    measures = (("uniquely_matched", "uniquely matched"), ("matched_correctly", "matched correctly"), ("expected_correct", "expected correct"))
    figure, axes = plt.subplots(figsize=(6.4, 3.6))
    width = 0.8 / max(len(attacks), 1)
    positions = np.arange(len(measures))
    for index, (label, result) in enumerate(attacks.items()):
        attempts = max(result.get("attempts", 0), 1)
        shares = [result.get(key, 0) / attempts for key, _ in measures]
        axes.bar(positions + index * width, shares, width=width, label=label, color=COLOURS[index % len(COLOURS)])
    axes.set_xticks(positions + width * (len(attacks) - 1) / 2, [name for _, name in measures])
    axes.set_ylim(0, 1)
    axes.set_ylabel("share of attacked records")
    axes.set_title("Linkage attack")
    axes.legend()
    return _png(figure)


def risk_plots(
    risk_summary: dict,
    *,
    attacks: dict[str, dict] | None = None,
    information_loss: dict[str, float] | None = None,
    before: pd.DataFrame | None = None,
    after: pd.DataFrame | None = None,
    key_columns: list[str] | None = None,
    min_count: int = 5,
) -> dict[str, bytes]:
    """Every plot of the report that the given inputs allow, by name (the HTML report's captions).

    >>> sorted(risk_plots({"class_size_distribution": {"5": 1}, "records_by_risk_band": {"[0, 0.01]": 5}}))
    ['class_sizes', 'risk_bands']
    """
    plots = {
        "class_sizes": class_size_histogram(risk_summary.get("class_size_distribution", {})),
        "risk_bands": risk_band_chart(risk_summary.get("records_by_risk_band", {})),
    }
    if information_loss:
        plots["information_loss"] = information_loss_chart(information_loss)
    if before is not None and after is not None:
        for name in key_columns or []:
            if name in before.columns and name in after.columns:
                plots[f"marginal_{name}"] = marginal_comparison(before[name], after[name], min_count)
    if attacks:
        plots["attack"] = attack_chart(attacks)
    return plots
