"""l-diversity achieved by a published table, for each variant, from (class, sensitive value) counts.

"Achieved" is the largest l that every class satisfies, so it can be compared with the policy's
target directly. Definitions as in ARX (Machanavajjhala et al., 2007):
- distinct: number of distinct sensitive values in the class;
- entropy: exp(H) with H the class's Shannon entropy in nats (a class passes entropy-l iff H >= ln l);
- recursive (c,l): the largest l with r1 < c * (r_l + ... + r_m), counts sorted descending.
Missing sensitive values are a category of their own; suppressed rows are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from anonymization_pipeline.core.risk.classes import column_codes


@dataclass(frozen=True)
class SensitiveCounts:
    """One entry per (class, sensitive value) present: the class, the value's code, the count."""

    pair_class: np.ndarray
    pair_value: np.ndarray
    pair_count: np.ndarray
    class_sizes: np.ndarray
    values: pd.Index


def sensitive_counts(row_class: np.ndarray, sensitive: pd.Series, classes: int, weights: np.ndarray | None = None) -> SensitiveCounts:
    """Count the sensitive values inside each class (sorted by class, then value code); with
    `weights` each row counts that many times.

    >>> counts = sensitive_counts(np.array([0, 0, 1]), pd.Series(["a", "b", "a"]), 2)
    >>> counts.pair_class.tolist(), counts.pair_count.tolist()
    ([0, 0, 1], [1, 1, 1])
    """
    codes, values = column_codes(sensitive)
    kept = row_class >= 0
    width = max(len(values), 1)
    pairs, inverse, counts = np.unique(row_class[kept] * width + codes[kept], return_inverse=True, return_counts=True)
    if weights is not None:
        counts = np.bincount(inverse.ravel(), weights=weights[kept], minlength=len(pairs)).astype(np.int64)
    pair_class = pairs // width
    return SensitiveCounts(
        pair_class=pair_class,
        pair_value=pairs % width,
        pair_count=counts,
        class_sizes=np.bincount(pair_class, weights=counts, minlength=classes).astype(np.int64),
        values=values,
    )


def distinct_l(counts: SensitiveCounts) -> np.ndarray:
    """Number of distinct sensitive values in each class.

    >>> distinct_l(sensitive_counts(np.array([0, 0, 1, 1]), pd.Series(["a", "b", "a", "a"]), 2)).tolist()
    [2, 1]
    """
    return np.bincount(counts.pair_class, minlength=len(counts.class_sizes))


def entropy_l(counts: SensitiveCounts) -> np.ndarray:
    """exp(entropy) of each class: the largest l for which the class is entropy-l-diverse.

    >>> entropy_l(sensitive_counts(np.array([0, 0]), pd.Series(["a", "b"]), 1)).round(6).tolist()
    [2.0]
    """
    share = counts.pair_count / counts.class_sizes[counts.pair_class]
    entropy = -np.bincount(counts.pair_class, weights=share * np.log(share), minlength=len(counts.class_sizes))
    return np.exp(entropy)


def recursive_l(counts: SensitiveCounts, c: float) -> np.ndarray:
    """Largest l of each class such that r1 < c * (r_l + ... + r_m) (counts sorted descending).

    >>> recursive_l(sensitive_counts(np.zeros(6, dtype=np.int64), pd.Series(list("aaabbc")), 1), 2.0).tolist()
    [2]
    """
    if len(counts.pair_class) == 0:
        return np.zeros(len(counts.class_sizes), dtype=np.int64)
    order = np.lexsort((-counts.pair_count, counts.pair_class))
    cls = counts.pair_class[order]
    sorted_counts = counts.pair_count[order]
    starts = np.flatnonzero(np.r_[True, cls[1:] != cls[:-1]])
    class_start = np.repeat(starts, np.diff(np.r_[starts, len(cls)]))
    cumulative = np.cumsum(sorted_counts)
    before = cumulative - sorted_counts - (cumulative[class_start] - sorted_counts[class_start])
    tail = counts.class_sizes[cls] - before
    largest = sorted_counts[class_start]
    satisfied = largest < c * tail
    return np.bincount(cls, weights=satisfied, minlength=len(counts.class_sizes)).astype(np.int64)


def smallest(per_class: np.ndarray) -> float:
    """The value every class reaches (0 for a table without classes).

    >>> smallest(np.array([3, 2]))
    2.0
    """
    return float(per_class.min()) if len(per_class) else 0.0
