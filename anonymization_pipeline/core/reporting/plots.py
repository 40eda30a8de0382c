"""The risk report's plots, as SVG documents (see `svg`), drawn only when a report is written.

Plots are drawn from figures (the risk summary, the attack result, per-column loss), except the
marginals, which read the raw and published columns: there, a raw category shared by fewer than
`min_count` rows is pooled into "other", and numeric columns use equal-frequency bins whose outer
edges are quantiles (extremes are folded into the outer bins), so no plot shows the value of a
rare (unsafe) record.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from anonymization_pipeline.core.reporting.svg import Bars, GroupedBars, Histogram, Interval, chart

TOP_CATEGORIES = 12
COLOURS = ("#3b6ea5", "#e08a2c", "#5a9e5a", "#b8463f")
ATTACK_MEASURES = (
    ("uniquely_matched", "uniquely matched"),
    ("matched_correctly", "matched correctly"),
    ("expected_correct", "expected correct"),
)


def class_size_histogram(class_size_distribution: dict[str, int]) -> str:
    """Number of classes by class size, in log-spaced bins, from the summary's `class_size_distribution`.

    >>> "5-6" in class_size_histogram({"5": 3, "6": 1, "500": 1})
    True
    """
    sizes = np.array([int(size) for size in class_size_distribution], dtype=float)
    counts = np.array(list(class_size_distribution.values()), dtype=float)
    labels: list[str] = []
    values: list[float] = []
    if len(sizes):
        edges = np.unique(np.geomspace(sizes.min(), max(sizes.max(), sizes.min() + 1) + 1, 16).round())
        binned, _ = np.histogram(sizes, bins=edges, weights=counts)
        for low, high, count in zip(edges, edges[1:], binned):
            labels.append(f"{low:.0f}" if high - low <= 1 else f"{low:.0f}-{high - 1:.0f}")
            values.append(float(count))
    bars = Bars("Equivalence classes by size (records per class)", labels, values, COLOURS[0], "classes")
    return chart([bars])


def risk_band_chart(records_by_risk_band: dict[str, int]) -> str:
    """Records per band of individual re-identification risk (prosecutor model).

    >>> "(0.5, 1]" in risk_band_chart({"(0.5, 1]": 0, "[0, 0.01]": 10})
    True
    """
    labels = list(records_by_risk_band)
    return chart([Bars("Records by risk band, 1/|class|", labels, list(records_by_risk_band.values()), COLOURS[1], "records")])


def information_loss_chart(loss: dict[str, float]) -> str:
    """Per-column information loss (0 = all detail kept, 1 = nothing left).

    >>> "age" in information_loss_chart({"age": 0.4})
    True
    """
    axis = "share of the column's information lost, H(raw | published) / H(raw)"
    return chart([Bars("Information loss per column", list(loss), list(loss.values()), COLOURS[2], axis, limit=1.0)])


def value_counts(column: pd.Series) -> pd.Series:
    """How many rows hold each value of `column` (missing values too), named after it: all that a
    marginal reads, so an engine that keeps its rows elsewhere (Spark) sends only these counts.

    >>> value_counts(pd.Series(["a", "a", None], name="x")).to_dict()
    {'a': 2, nan: 1}
    """
    return column.value_counts(dropna=False, sort=False).rename(column.name)


def safe_categories(counts: pd.Series, min_count: int) -> pd.Series:
    """The most frequent values of `value_counts`, values rarer than `min_count` pooled into
    "other (n values)"; ties are ordered by value, so both engines draw the same bars.

    >>> safe_categories(pd.Series({"a": 5, "b": 1}), 5).to_dict()
    {'a': 5, 'other (1 values)': 1}
    """
    labels = pd.Index(counts.index.astype("string")).fillna("(missing)")
    merged = pd.Series(counts.to_numpy(), index=labels).groupby(level=0).sum()
    merged = merged.sort_values(ascending=False, kind="stable")
    common = merged[merged >= min_count].head(TOP_CATEGORIES)
    rest = merged.drop(common.index)
    if len(rest):
        common = pd.concat([common, pd.Series({f"other ({len(rest)} values)": int(rest.sum())})])
    return common


def _numeric(counts: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """The present values of `value_counts` as numbers, with their counts, when at least 95 % of
    the present rows are numbers (each distinct value is parsed once)."""
    present = counts[counts.index.notna()]
    if not len(present):
        return None
    index = present.index
    weights = present.to_numpy(dtype=float)
    if pd.api.types.is_numeric_dtype(index) and not pd.api.types.is_bool_dtype(index):
        return index.to_numpy(dtype=float), weights
    numbers = pd.to_numeric(pd.Series(index, dtype=object), errors="coerce").to_numpy(dtype=float)
    parsed = ~np.isnan(numbers)
    return (numbers[parsed], weights[parsed]) if weights[parsed].sum() >= 0.95 * weights.sum() else None


def _quantiles(values: np.ndarray, weights: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """`np.quantile`'s (linear) quantiles of the values each repeated `weights` times, without repeating them."""
    order = np.argsort(values, kind="stable")
    values, ends = values[order], np.cumsum(weights[order])
    position = shares * (ends[-1] - 1)
    low = np.floor(position)
    below = values[np.searchsorted(ends, low, side="right")]
    above = values[np.searchsorted(ends, np.ceil(position), side="right")]
    return below + (above - below) * (position - low)


def _marginal(counts: pd.Series, min_count: int, colour: str, title: str) -> Bars | Histogram:
    numeric = _numeric(counts)
    if numeric is None:
        common = safe_categories(counts, min_count)
        return Bars(title, [str(label) for label in common.index], common.to_numpy(dtype=float).tolist(), colour, "records")
    values, weights = numeric
    total = weights.sum()
    bins = max(1, min(20, int(total) // max(min_count, 1)))
    tail = min(min_count / total, 0.5)
    edges = np.unique(_quantiles(values, weights, np.linspace(tail, 1 - tail, bins + 1)))
    if len(edges) < 2:
        return Histogram(title, [], [], colour, "one value (hidden)")
    binned, _ = np.histogram(np.clip(values, edges[0], edges[-1]), bins=edges, weights=weights)
    density = binned / np.diff(edges) / total
    return Histogram(title, edges.tolist(), density.tolist(), colour, "density (equal-frequency bins)")


def marginal_comparison(before: pd.Series, after: pd.Series, min_count: int) -> str:
    """The raw and the published distribution of one column, side by side, from their `value_counts`.

    >>> "x: published" in marginal_comparison(pd.Series({"a": 6}, name="x"), pd.Series({"*": 6}, name="x"), 5)
    True
    """
    panels = [
        _marginal(before, min_count, COLOURS[0], f"{before.name}: before"),
        _marginal(after, min_count, COLOURS[1], f"{after.name}: published"),
    ]
    return chart(panels, width=820)


def attack_chart(attacks: dict[str, dict]) -> str:
    """Linkage attack outcomes per scenario (e.g. raw data vs published data), as shares of the
    attacked records, with the 95 % interval of each share when the attack was run on a sample.

    >>> "matched correctly" in attack_chart({"raw": {"attempts": 10, "uniquely_matched": 9, "matched_correctly": 9, "expected_correct": 9.0}})
    True
    """
    series, intervals = {}, {}
    for scenario, result in attacks.items():
        attempts = max(result.get("attempts", 0), 1)
        series[scenario] = [(result.get(key) or 0) / attempts for key, _ in ATTACK_MEASURES]
        bounds = result.get("ci95") or {}
        intervals[scenario] = [Interval(*bounds[key]) if key in bounds else None for key, _ in ATTACK_MEASURES]
    panel = GroupedBars(
        "Linkage attack", [name for _, name in ATTACK_MEASURES], series, COLOURS, "share of attacked records", 1.0, intervals
    )
    return chart([panel])


def risk_plots(
    risk_summary: dict,
    *,
    attacks: dict[str, dict] | None = None,
    information_loss: dict[str, float] | None = None,
    before: dict[str, pd.Series] | None = None,
    after: dict[str, pd.Series] | None = None,
    min_count: int = 5,
) -> dict[str, str]:
    """Every plot of the report that the given inputs allow, by name (the HTML report's captions), as SVG.
    `before` and `after` are the `value_counts` of the raw and the published key columns, by column.

    >>> sorted(risk_plots({"class_size_distribution": {"5": 1}, "records_by_risk_band": {"[0, 0.01]": 5}}))
    ['class_sizes', 'risk_bands']
    """
    plots = {
        "class_sizes": class_size_histogram(risk_summary.get("class_size_distribution", {})),
        "risk_bands": risk_band_chart(risk_summary.get("records_by_risk_band", {})),
    }
    if information_loss:
        plots["information_loss"] = information_loss_chart(information_loss)
    for name, counts in (before or {}).items():
        if name in (after or {}):
            plots[f"marginal_{name}"] = marginal_comparison(counts, after[name], min_count)
    if attacks:
        plots["attack"] = attack_chart(attacks)
    return plots
