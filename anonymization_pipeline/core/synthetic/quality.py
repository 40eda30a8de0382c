"""Statistical quality by SDMetrics' definitions (its Quality Report), computed on our own.

Column shapes: 1 − KS statistic for numbers and dates (nulls left out), 1 − total variation
distance for categories (null a category). Pair trends: for two numeric columns 1 − |ρs − ρr| / 2
(Pearson's ρ over rows where both are present); for any other pair 1 − TVD of the normalised
two-way tables, numbers cut into 10 bins of equal width over the real range (nulls a bin).
Quality is the mean of the two averages.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
from scipy.stats import ks_2samp

from anonymization_pipeline.core.synthetic.encoding import SYNTHETIC, SharedColumn
from anonymization_pipeline.core.synthetic.encoding import TRAIN as REAL

PAIR_BINS = 10


@dataclass(frozen=True)
class Quality:
    score: float
    column_shapes: float
    pair_trends: float | None
    columns: dict[str, float]
    pairs: dict[str, float]


def quality(columns: list[SharedColumn]) -> Quality:
    """Quality of the synthetic rows against the training rows of `columns`."""
    shapes = {column.name: column_shape(column) for column in columns}
    shapes = {name: score for name, score in shapes.items() if score is not None}
    pairs = {}
    for a, b in combinations(columns, 2):
        score = pair_trend(a, b)
        if score is not None:
            pairs[f"{a.name} / {b.name}"] = score
    column_shapes = float(np.mean(list(shapes.values()))) if shapes else 0.0
    pair_trends = float(np.mean(list(pairs.values()))) if pairs else None
    score = column_shapes if pair_trends is None else (column_shapes + pair_trends) / 2
    return Quality(score, column_shapes, pair_trends, shapes, pairs)


def column_shape(column: SharedColumn) -> float | None:
    real, synthetic = column.part(REAL), column.part(SYNTHETIC)
    if not column.numeric:
        size = int(max(real.max(initial=0), synthetic.max(initial=0))) + 1
        return 1 - total_variation(np.bincount(real, minlength=size), np.bincount(synthetic, minlength=size))
    real, synthetic = real[~np.isnan(real)], synthetic[~np.isnan(synthetic)]
    if real.size == 0 or synthetic.size == 0:
        return None
    return 1 - float(ks_2samp(real, synthetic).statistic)


def pair_trend(a: SharedColumn, b: SharedColumn) -> float | None:
    if a.numeric and b.numeric:
        return correlation_similarity(a, b)
    return contingency_similarity(a, b)


def correlation_similarity(a: SharedColumn, b: SharedColumn) -> float | None:
    correlations = {}
    for part in (REAL, SYNTHETIC):
        x, y = a.part(part), b.part(part)
        both = ~np.isnan(x) & ~np.isnan(y)
        if both.sum() < 2 or np.ptp(x[both]) == 0 or np.ptp(y[both]) == 0:
            return None
        correlations[part] = float(np.corrcoef(x[both], y[both])[0, 1])
    return 1 - abs(correlations[SYNTHETIC] - correlations[REAL]) / 2


def contingency_similarity(a: SharedColumn, b: SharedColumn) -> float:
    codes_a, size_a = _pair_codes(a)
    codes_b, size_b = _pair_codes(b)
    tables = [
        np.bincount(codes_a[part] * size_b + codes_b[part], minlength=size_a * size_b) for part in (REAL, SYNTHETIC)
    ]
    return 1 - total_variation(*tables)


def total_variation(real_counts: np.ndarray, synthetic_counts: np.ndarray) -> float:
    """Half the L1 distance between the two normalised count vectors.

    >>> total_variation(np.array([1, 1]), np.array([2, 0]))
    0.5
    """
    p = real_counts / max(real_counts.sum(), 1)
    q = synthetic_counts / max(synthetic_counts.sum(), 1)
    return float(np.abs(p - q).sum() / 2)


def _pair_codes(column: SharedColumn) -> tuple[dict[int, np.ndarray], int]:
    if not column.numeric:
        size = int(column.codes.max(initial=0)) + 1
        return {part: column.part(part) for part in (REAL, SYNTHETIC)}, size
    real = column.part(REAL)
    present = real[~np.isnan(real)]
    edges = np.histogram_bin_edges(present if present.size else np.zeros(1), bins=PAIR_BINS)
    codes = {}
    for part in (REAL, SYNTHETIC):
        values = column.part(part)
        binned = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, PAIR_BINS - 1)
        codes[part] = np.where(np.isnan(values), PAIR_BINS, binned)
    return codes, PAIR_BINS + 1

