"""Each kind of query: its exact statistic as integers, vectorised, then OpenDP's noise.

Sensitivities follow from the declaration alone: one person changes at most `max_rows` rows (after
contribution bounding), so a count moves by `max_rows`, a histogram or grouped count by `max_rows`
in L1 and L2, and a sum by `max_rows` times the larger absolute bound. Sums are taken on a
fixed-point grid (a power of two fine enough for 2^20 steps up to the bound) in exact integer
arithmetic: a floating-point sum can move by more than its nominal sensitivity.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from statistics import NormalDist
from dataclasses import dataclass

import numpy as np
import pandas as pd

from anonymization_pipeline.core.dp.mechanisms import (
    CONFIDENCE,
    gaussian_scale,
    laplace_scale,
    noisy_integers,
    select_and_count,
)
from anonymization_pipeline.core.dp.quantiles import private_quantile
from anonymization_pipeline.core.policy.aggregates import (
    CountQuery,
    HistogramQuery,
    MeanQuery,
    QuantileQuery,
    SumQuery,
)

_FIXED_POINT_STEPS = 2**20


@dataclass(frozen=True)
class ReleasedValue:
    """One row of the released table."""

    query: str
    value: float
    ci_low: float
    ci_high: float
    epsilon: float
    by: dict[str, str] | None = None
    bin: str | None = None


def numeric_values(frame: pd.DataFrame, column: str) -> np.ndarray:
    """The column as floats; what is not a number (or is missing) is NaN and left out by each query."""
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def release_count(frame: pd.DataFrame, query: CountQuery, max_rows: int) -> list[ReleasedValue]:
    if not query.by:
        noisy = noisy_integers(np.array([len(frame)]), max_rows, query.epsilon, query.delta, query.mechanism)
        return [_interval(query, float(noisy.values[0]), noisy.half_width)]
    if query.selects_keys:
        return _count_selected_keys(frame, query, max_rows)
    return _count_declared_keys(frame, query, max_rows)


def _count_declared_keys(frame: pd.DataFrame, query: CountQuery, max_rows: int) -> list[ReleasedValue]:
    """Every combination of the declared keys, zeros included: which groups exist is not released."""
    sizes = [len(query.keys[column]) for column in query.by]
    flat = np.zeros(len(frame), dtype=np.int64)
    present = np.ones(len(frame), dtype=bool)
    for column, size in zip(query.by, sizes):
        codes, _ = key_codes(frame[column], query.keys[column])
        present &= codes >= 0
        flat = flat * size + codes
    exact = np.bincount(flat[present], minlength=math.prod(sizes))
    noisy = noisy_integers(exact, max_rows, query.epsilon, query.delta, query.mechanism)
    combinations = pd.MultiIndex.from_product([query.keys[column] for column in query.by])
    return [
        _interval(query, float(value), noisy.half_width, by=dict(zip(query.by, combination)))
        for combination, value in zip(combinations, noisy.values)
    ]


def key_codes(column: pd.Series, keys: list[str] | None) -> tuple[np.ndarray, list[str]]:
    """Each row's position among the labels (-1 where missing or not a key), and the labels: `keys`
    (values compared as text), or without them the column's own distinct values. Hashes the
    column once, then looks up only its distinct values."""
    codes, uniques = pd.factorize(column)
    texts = [str(value) for value in uniques]
    if keys is None:
        return codes.astype(np.int64), texts
    position = {key: index for index, key in enumerate(keys)}
    lookup = np.array([position.get(text, -1) for text in texts] + [-1], dtype=np.int64)
    return lookup[codes], keys


def _count_selected_keys(frame: pd.DataFrame, query: CountQuery, max_rows: int) -> list[ReleasedValue]:
    """Groups found in the data, released only where their noisy count passes the threshold."""
    flat = np.zeros(len(frame), dtype=np.int64)
    present = np.ones(len(frame), dtype=bool)
    names: list[list[str]] = []
    for column in query.by:
        codes, labels = key_codes(frame[column], query.keys.get(column))
        names.append(labels)
        present &= codes >= 0
        flat = flat * len(names[-1]) + codes
    groups, counts = np.unique(flat[present], return_counts=True)
    exact = {}
    for group, count in zip(groups.tolist(), counts.tolist()):
        key = []
        for labels in reversed(names):
            group, index = divmod(group, len(labels))
            key.append(labels[index])
        exact[json.dumps(key[::-1])] = count
    selected = select_and_count(exact, max_rows, query.epsilon, query.delta)
    return [
        _interval(query, float(count), selected.half_width, by=dict(zip(query.by, json.loads(key))))
        for key, count in sorted(selected.counts.items())
    ]


def release_sum(frame: pd.DataFrame, query: SumQuery, max_rows: int) -> list[ReleasedValue]:
    step = fixed_point_step(query.bounds)
    units = _fixed_point(numeric_values(frame, query.column), query.bounds, step)
    noisy = noisy_integers(np.array([units.sum()]), _sum_sensitivity(query.bounds, step, max_rows), query.epsilon, query.delta, query.mechanism)
    return [_interval(query, float(noisy.values[0]) * step, noisy.half_width * step)]


def release_mean(frame: pd.DataFrame, query: MeanQuery, max_rows: int) -> list[ReleasedValue]:
    """Noisy sum over noisy count, each with half the ε and δ; the interval is that of the ratio's
    linearisation (S' − m·N')/N', whose noise law is known exactly from the two scales."""
    epsilon, delta = query.epsilon / 2, query.delta / 2
    step = fixed_point_step(query.bounds)
    values = numeric_values(frame, query.column)
    units = _fixed_point(values, query.bounds, step)
    total = noisy_integers(np.array([units.sum()]), _sum_sensitivity(query.bounds, step, max_rows), epsilon, delta, query.mechanism)
    count = noisy_integers(np.array([units.size]), max_rows, epsilon, delta, query.mechanism)
    lower, upper = query.bounds
    noisy_count = float(count.values[0])
    if noisy_count <= 0:
        return [ReleasedValue(query.name, (lower + upper) / 2, lower, upper, query.epsilon)]
    mean = float(np.clip(total.values[0] * step / noisy_count, lower, upper))
    sum_scale, count_scale = _scales(query, _sum_sensitivity(query.bounds, step, max_rows), max_rows, epsilon, delta)
    half_width = _ratio_half_width(query.mechanism, sum_scale * step, abs(mean) * count_scale) / noisy_count
    return [ReleasedValue(query.name, mean, max(mean - half_width, lower), min(mean + half_width, upper), query.epsilon)]


def release_histogram(frame: pd.DataFrame, query: HistogramQuery, max_rows: int) -> list[ReleasedValue]:
    values = numeric_values(frame, query.column)
    values = values[~np.isnan(values)]
    edges = np.asarray(query.edges)
    bins = np.searchsorted(edges, values, side="right")
    bins[values == edges[-1]] = len(edges) - 1
    exact = np.bincount(bins, minlength=len(edges) + 1)
    noisy = noisy_integers(exact, max_rows, query.epsilon, query.delta, query.mechanism)
    return [
        _interval(query, float(value), noisy.half_width, bin=label)
        for label, value in zip(histogram_labels(query.edges), noisy.values)
    ]


def histogram_labels(edges: list[float]) -> list[str]:
    """`< e0`, `[e0, e1)`, …, `[e(k-1), ek]`, `> ek`."""
    inner = [f"[{a:g}, {b:g})" for a, b in zip(edges[:-2], edges[1:-1])] + [f"[{edges[-2]:g}, {edges[-1]:g}]"]
    return [f"< {edges[0]:g}", *inner, f"> {edges[-1]:g}"]


def release_quantile(frame: pd.DataFrame, query: QuantileQuery, max_rows: int) -> list[ReleasedValue]:
    values = numeric_values(frame, query.column)
    result = private_quantile(values[~np.isnan(values)], query.q, query.bounds, query.candidates, query.epsilon, max_rows)
    return [ReleasedValue(query.name, result.value, result.ci_low, result.ci_high, query.epsilon)]


RELEASES: dict[type, Callable[[pd.DataFrame, object, int], list[ReleasedValue]]] = {
    CountQuery: release_count,
    SumQuery: release_sum,
    MeanQuery: release_mean,
    HistogramQuery: release_histogram,
    QuantileQuery: release_quantile,
}


def fixed_point_step(bounds: tuple[float, float]) -> float:
    """A power of two that puts 2^20 steps (or more) between 0 and the larger absolute bound.

    >>> fixed_point_step((0, 1))
    9.5367431640625e-07
    """
    largest = max(abs(bounds[0]), abs(bounds[1]))
    return 2.0 ** math.floor(math.log2(largest / _FIXED_POINT_STEPS))


def _fixed_point(values: np.ndarray, bounds: tuple[float, float], step: float) -> np.ndarray:
    present = values[~np.isnan(values)]
    return np.rint(np.clip(present, bounds[0], bounds[1]) / step).astype(np.int64)


def _sum_sensitivity(bounds: tuple[float, float], step: float, max_rows: int) -> int:
    return max_rows * int(max(abs(round(bounds[0] / step)), abs(round(bounds[1] / step))))


def _interval(query, value: float, half_width: float, **where) -> ReleasedValue:
    return ReleasedValue(query.name, value, value - half_width, value + half_width, query.epsilon, **where)


def _scales(query: MeanQuery, sum_sensitivity: int, max_rows: int, epsilon: float, delta: float) -> tuple[float, float]:
    if query.mechanism == "gaussian":
        return gaussian_scale(sum_sensitivity, epsilon, delta), gaussian_scale(max_rows, epsilon, delta)
    return laplace_scale(sum_sensitivity, epsilon), laplace_scale(max_rows, epsilon)


def _ratio_half_width(mechanism: str, a: float, c: float) -> float:
    """t with P(|X − Y| > t) = 5 % for independent noises of scales a and c (X − Y's law: two
    Gaussians add their variances; two Laplaces have survival (a²e^(−t/a) − c²e^(−t/c))/(a² − c²))."""
    miss = 1 - CONFIDENCE
    if mechanism == "gaussian":
        return NormalDist().inv_cdf(1 - miss / 2) * math.hypot(a, c)
    if min(a, c) < 1e-9 * max(a, c) or abs(a - c) < 1e-9 * max(a, c):
        wider = max(a, c)
        return wider * math.log(1 / miss) if min(a, c) < 1e-9 * wider else _equal_laplace_half_width(wider, miss)

    return _solve_decreasing(
        lambda t: (a * a * math.exp(-t / a) - c * c * math.exp(-t / c)) / (a * a - c * c), miss, 50 * max(a, c)
    )


def _equal_laplace_half_width(scale: float, miss: float) -> float:
    """Two Laplaces of one scale: P(|X − Y| > t) = e^(−t/b)(1 + t/(2b))."""
    return _solve_decreasing(lambda t: math.exp(-t / scale) * (1 + t / (2 * scale)), miss, 60 * scale)


def _solve_decreasing(survival: Callable[[float], float], level: float, upper: float) -> float:
    """The t in [0, upper] where a decreasing survival function falls to `level`, by bisection."""
    low, high = 0.0, upper
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if survival(middle) > level else (low, middle)
    return high
