"""Each kind of query: its exact statistic as integers, vectorised, then OpenDP's noise.

Sensitivities follow from the declaration alone: one person changes at most `max_rows` rows (after
contribution bounding), so a count moves by `max_rows`, a histogram or grouped count by `max_rows`
in L1 and L2, and a sum (or the vector of sums per group) by `max_rows` times the larger absolute
bound. Sums are taken on a fixed-point grid (a power of two fine enough for 2^20 steps up to the
bound) in exact integer arithmetic: a floating-point sum can move by more than its nominal sensitivity.
"""

from __future__ import annotations

import itertools
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


@dataclass(frozen=True)
class Groups:
    """Each row's group (`codes`, −1 where a key is missing or not declared) among `names`, the
    groups' labels: every combination of declared keys, or the combinations present in the data."""

    codes: np.ndarray
    names: list[tuple[str, ...]]


def declared_groups(frame: pd.DataFrame, by: list[str], keys: dict[str, list[str]]) -> Groups:
    """Every combination of the declared keys, zeros included: which groups exist is not released."""
    return _groups(frame, by, keys, declared=True)


def present_groups(frame: pd.DataFrame, by: list[str], keys: dict[str, list[str]]) -> Groups:
    """The combinations present in the data (to be selected privately before anything is released)."""
    return _groups(frame, by, keys, declared=False)


def _groups(frame: pd.DataFrame, by: list[str], keys: dict[str, list[str]], declared: bool) -> Groups:
    flat = np.zeros(len(frame), dtype=np.int64)
    present = np.ones(len(frame), dtype=bool)
    labels: list[list[str]] = []
    for column in by:
        codes, names = key_codes(frame[column], keys.get(column))
        labels.append(names)
        present &= codes >= 0
        flat = flat * len(names) + codes
    if declared:
        return Groups(np.where(present, flat, -1), list(itertools.product(*labels)))
    sizes = [len(names) for names in labels]
    found, codes = _compact(flat, present, math.prod(sizes))
    positions = np.unravel_index(found, sizes) if sizes else ()
    names = list(zip(*[np.asarray(column_labels, dtype=object)[position] for column_labels, position in zip(labels, positions)]))
    return Groups(codes, names)


def _compact(flat: np.ndarray, present: np.ndarray, combinations: int) -> tuple[np.ndarray, np.ndarray]:
    """The combinations that occur (ascending) and each row's index among them (−1 where absent):
    by counting where the combinations are few next to the rows, else by sorting."""
    codes = np.full(len(flat), -1, dtype=np.int64)
    if combinations <= 4 * len(flat):
        found = np.flatnonzero(np.bincount(flat[present], minlength=combinations))
        lookup = np.full(combinations, -1, dtype=np.int64)
        lookup[found] = np.arange(len(found))
        codes[present] = lookup[flat[present]]
        return found, codes
    found, codes[present] = np.unique(flat[present], return_inverse=True)
    return found, codes


def key_codes(column: pd.Series, keys: list[str] | None) -> tuple[np.ndarray, list[str]]:
    """Each row's position among the labels (-1 where missing or not a key), and the labels: `keys`
    (values compared as text), or without them the column's own distinct values. Hashes the
    column once, then looks up only its distinct values (a categorical column is not hashed)."""
    codes, uniques = pd.factorize(column)
    texts = [str(value) for value in uniques]
    if keys is None:
        return codes.astype(np.int64), texts
    position = {key: index for index, key in enumerate(keys)}
    lookup = np.array([position.get(text, -1) for text in texts] + [-1], dtype=np.int64)
    return lookup[codes], keys


def group_totals(groups: Groups, weights: np.ndarray | None = None) -> np.ndarray:
    """Rows (or the sum of integer `weights`) per group, exactly: float64 holds every integer
    total below 2^53, which 2^20 fixed-point steps per value reach only past 2^33 rows."""
    kept = groups.codes >= 0
    totals = np.bincount(groups.codes[kept], weights=None if weights is None else weights[kept], minlength=len(groups.names))
    return np.rint(totals).astype(np.int64)


def release_count(frame: pd.DataFrame, query: CountQuery, max_rows: int) -> list[ReleasedValue]:
    if not query.by:
        noisy = noisy_integers(np.array([len(frame)]), max_rows, query.epsilon, query.delta, query.mechanism)
        return [_interval(query, float(noisy.values[0]), noisy.half_width)]
    if query.selects_keys:
        groups = present_groups(frame, query.by, query.keys)
        selected = select_groups(groups, max_rows, query.epsilon, query.delta)
        return [
            _interval(query, float(count), selected.half_width, by=dict(zip(query.by, groups.names[group])))
            for group, count in zip(selected.groups, selected.counts)
        ]
    groups = declared_groups(frame, query.by, query.keys)
    noisy = noisy_integers(group_totals(groups), max_rows, query.epsilon, query.delta, query.mechanism)
    return [
        _interval(query, float(value), noisy.half_width, by=dict(zip(query.by, name)))
        for name, value in zip(groups.names, noisy.values)
    ]


@dataclass(frozen=True)
class SelectedGroups:
    """The groups (indexes into `Groups.names`, in label order) whose noisy count passed the
    threshold, those noisy counts, and their interval half-width."""

    groups: np.ndarray
    counts: np.ndarray
    half_width: int


def select_groups(groups: Groups, max_rows: int, epsilon: float, delta: float) -> SelectedGroups:
    exact = {str(group): int(count) for group, count in enumerate(group_totals(groups).tolist())}
    selected = select_and_count(exact, max_rows, epsilon, delta)
    chosen = sorted((groups.names[int(group)], int(group), count) for group, count in selected.counts.items())
    return SelectedGroups(
        np.array([group for _, group, _ in chosen], dtype=np.int64),
        np.array([count for _, _, count in chosen], dtype=np.int64),
        selected.half_width,
    )


def release_sum(frame: pd.DataFrame, query: SumQuery, max_rows: int) -> list[ReleasedValue]:
    """The sum, or one per group: one person moves the vector of group sums by at most `max_rows`
    times the larger absolute bound in L1 and in L2 (all their rows in one group), the same
    sensitivity as the single sum. Keys selected privately take half of ε and all of δ."""
    step = fixed_point_step(query.bounds)
    sensitivity = _sum_sensitivity(query.bounds, step, max_rows)
    units, numeric = _fixed_point_rows(numeric_values(frame, query.column), query.bounds, step)
    if not query.by:
        noisy = noisy_integers(np.array([units.sum()]), sensitivity, query.epsilon, query.delta, query.mechanism)
        return [_interval(query, float(noisy.values[0]) * step, noisy.half_width * step)]
    groups, chosen, epsilon, delta = _groups_to_release(frame, query, max_rows)
    exact = group_totals(groups, units)[chosen.groups if chosen is not None else slice(None)]
    noisy = noisy_integers(exact, sensitivity, epsilon, delta, query.mechanism)
    names = [groups.names[group] for group in (chosen.groups if chosen is not None else range(len(groups.names)))]
    return [
        _interval(query, float(value) * step, noisy.half_width * step, by=dict(zip(query.by, name)))
        for name, value in zip(names, noisy.values)
    ]


def release_mean(frame: pd.DataFrame, query: MeanQuery, max_rows: int) -> list[ReleasedValue]:
    """Noisy sum over noisy count, each with half the ε and δ (per group: vectors of sums and of
    counts); the interval is that of the ratio's linearisation (S' − m·N')/N', whose noise law is
    known exactly from the two scales. With keys selected privately, the selection's noisy counts
    (half of ε, all of δ) are the counts."""
    epsilon, delta = query.epsilon / 2, query.delta / 2
    step = fixed_point_step(query.bounds)
    sum_sensitivity = _sum_sensitivity(query.bounds, step, max_rows)
    units, numeric = _fixed_point_rows(numeric_values(frame, query.column), query.bounds, step)
    if not query.by:
        exact_sums, exact_counts, names = np.array([units.sum()]), np.array([int(numeric.sum())]), [None]
        counts = noisy_integers(exact_counts, max_rows, epsilon, delta, query.mechanism)
        count_values, count_scale = counts.values, _scale(query.mechanism, max_rows, epsilon, delta)
    elif query.selects_keys:
        groups = _only_numbers(present_groups(frame, query.by, query.keys), numeric)
        chosen = select_groups(groups, max_rows, epsilon, query.delta)
        exact_sums, names = group_totals(groups, units)[chosen.groups], [groups.names[g] for g in chosen.groups]
        count_values, count_scale, delta = chosen.counts, laplace_scale(max_rows, epsilon), 0.0
    else:
        groups = _only_numbers(declared_groups(frame, query.by, query.keys), numeric)
        exact_sums, names = group_totals(groups, units), groups.names
        counts = noisy_integers(group_totals(groups), max_rows, epsilon, delta, query.mechanism)
        count_values, count_scale = counts.values, _scale(query.mechanism, max_rows, epsilon, delta)
    sums = noisy_integers(exact_sums, sum_sensitivity, epsilon, delta, query.mechanism)
    sum_scale = _scale(query.mechanism, sum_sensitivity, epsilon, delta) * step
    return [
        _mean(query, float(total) * step, float(count), sum_scale, count_scale, dict(zip(query.by, name)) if name else None)
        for name, total, count in zip(names, sums.values, count_values)
    ]


def _mean(query: MeanQuery, noisy_sum: float, noisy_count: float, sum_scale: float, count_scale: float, by) -> ReleasedValue:
    lower, upper = query.bounds
    if noisy_count <= 0:
        return ReleasedValue(query.name, (lower + upper) / 2, lower, upper, query.epsilon, by=by)
    mean = float(np.clip(noisy_sum / noisy_count, lower, upper))
    half_width = _ratio_half_width(query.mechanism, sum_scale, abs(mean) * count_scale) / noisy_count
    return ReleasedValue(query.name, mean, max(mean - half_width, lower), min(mean + half_width, upper), query.epsilon, by=by)


def _groups_to_release(frame: pd.DataFrame, query: SumQuery, max_rows: int):
    """The groups of a grouped sum, the privately selected ones (or None for declared keys), and
    the ε and δ left for the sums."""
    if not query.selects_keys:
        return declared_groups(frame, query.by, query.keys), None, query.epsilon, query.delta
    groups = present_groups(frame, query.by, query.keys)
    chosen = select_groups(groups, max_rows, query.epsilon / 2, query.delta)
    return groups, chosen, query.epsilon / 2, 0.0


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


def _fixed_point_rows(values: np.ndarray, bounds: tuple[float, float], step: float) -> tuple[np.ndarray, np.ndarray]:
    """Each row's clamped value in fixed-point steps (0 where it is not a number), and which rows are numbers."""
    numeric = ~np.isnan(values)
    units = np.rint(np.clip(np.where(numeric, values, 0.0), bounds[0], bounds[1]) / step).astype(np.int64)
    return np.where(numeric, units, 0), numeric


def _only_numbers(groups: Groups, numeric: np.ndarray) -> Groups:
    """The same groups, without the rows whose value is not a number (a mean counts only numbers)."""
    return Groups(np.where(numeric, groups.codes, -1), groups.names)


def _sum_sensitivity(bounds: tuple[float, float], step: float, max_rows: int) -> int:
    return max_rows * int(max(abs(round(bounds[0] / step)), abs(round(bounds[1] / step))))


def _interval(query, value: float, half_width: float, **where) -> ReleasedValue:
    return ReleasedValue(query.name, value, value - half_width, value + half_width, query.epsilon, **where)


def _scale(mechanism: str, sensitivity: int, epsilon: float, delta: float) -> float:
    return gaussian_scale(sensitivity, epsilon, delta) if mechanism == "gaussian" else laplace_scale(sensitivity, epsilon)


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
