"""t-closeness achieved: the largest distance between a class's sensitive distribution and the table's.

Distances as in Li, Li & Venkatasubramanian, "t-Closeness: Privacy Beyond k-Anonymity and
l-Diversity", ICDE 2007, and as ARX implements them:
- equal: 1/2 * sum |p_i - q_i|;
- ordered: sum_i |sum_{j<=i} (p_j - q_j)| / (m - 1), values in natural order (numbers numerically,
  strings lexicographically, missing last), m distinct values in the whole table;
- hierarchical: the EMD over the attribute's generalization tree, each node N costing
  height(N)/H * min(positive extra, negative extra) of its children.
All three work on the sparse (class, value) counts, so their cost grows with the pairs present,
not with classes x values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from anonymization_pipeline.core.risk.diversity import SensitiveCounts


def _table_share(counts: SensitiveCounts) -> np.ndarray:
    totals = np.bincount(counts.pair_value, weights=counts.pair_count, minlength=len(counts.values))
    return totals / totals.sum()


def _class_share(counts: SensitiveCounts) -> np.ndarray:
    return counts.pair_count / counts.class_sizes[counts.pair_class]


def equal_distance(counts: SensitiveCounts) -> float:
    """Largest equal-distance EMD of a class.

    >>> from anonymization_pipeline.core.risk.diversity import sensitive_counts
    >>> equal_distance(sensitive_counts(np.array([0, 0, 1, 1]), pd.Series(["a", "a", "b", "b"]), 2))
    0.5
    """
    if len(counts.pair_class) == 0:
        return 0.0
    q = _table_share(counts)
    gap = np.abs(_class_share(counts) - q[counts.pair_value])
    classes = len(counts.class_sizes)
    present = np.bincount(counts.pair_class, weights=gap, minlength=classes)
    covered = np.bincount(counts.pair_class, weights=q[counts.pair_value], minlength=classes)
    return float((0.5 * (present + 1.0 - covered)).max())


def natural_ranks(values: pd.Index) -> np.ndarray:
    """Rank of each distinct value: numerically if every value is a number, else as strings; missing last.

    >>> natural_ranks(pd.Index(["10", "9", None])).tolist()
    [1, 0, 2]
    """
    missing = np.asarray(pd.isna(values), dtype=bool)
    numbers = pd.to_numeric(pd.Series(values[~missing], dtype=object), errors="coerce")
    if numbers.notna().all():
        keys = numbers.to_numpy(dtype=float)
        order_present = np.argsort(keys, kind="stable")
    else:
        order_present = np.argsort(np.asarray(values[~missing].astype(str), dtype=object), kind="stable")
    order = np.r_[np.flatnonzero(~missing)[order_present], np.flatnonzero(missing)]
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.arange(len(values))
    return ranks


def _segment_sums(start: np.ndarray, stop: np.ndarray, level: np.ndarray, cdf: np.ndarray, prefix: np.ndarray) -> np.ndarray:
    """sum_{i=start}^{stop-1} |level - cdf[i]| for each segment, with `cdf` non-decreasing."""
    split = np.clip(np.searchsorted(cdf, level, side="right"), start, stop)
    below = level * (split - start) - (prefix[split] - prefix[start])
    above = (prefix[stop] - prefix[split]) - level * (stop - split)
    return below + above


def ordered_distance(counts: SensitiveCounts) -> float:
    """Largest ordered-distance EMD of a class.

    >>> from anonymization_pipeline.core.risk.diversity import sensitive_counts
    >>> ordered_distance(sensitive_counts(np.array([0, 1, 2]), pd.Series(["1", "2", "3"]), 3))
    0.5
    """
    m = len(counts.values)
    if len(counts.pair_class) == 0 or m < 2:
        return 0.0
    ranks = natural_ranks(counts.values)
    q_by_rank = np.zeros(m)
    q_by_rank[ranks] = _table_share(counts)
    cdf = np.cumsum(q_by_rank)[: m - 1]
    prefix = np.r_[0.0, np.cumsum(cdf)]
    pair_rank = ranks[counts.pair_value]
    order = np.lexsort((pair_rank, counts.pair_class))
    cls, rank, share = counts.pair_class[order], pair_rank[order], _class_share(counts)[order]
    first = np.r_[True, cls[1:] != cls[:-1]]
    last = np.r_[cls[1:] != cls[:-1], True]
    starts = np.flatnonzero(first)
    class_cdf = np.cumsum(share) - np.repeat(np.cumsum(share)[starts] - share[starts], np.diff(np.r_[starts, len(cls)]))
    stop = np.where(last, m - 1, np.r_[rank[1:], 0])
    start = np.minimum(rank, stop)
    segments = _segment_sums(start, stop, class_cdf, cdf, prefix)
    leading = prefix[np.minimum(rank[first], m - 1)]
    total = np.bincount(cls, weights=segments, minlength=len(counts.class_sizes))
    total[cls[first]] += leading
    return float(total.max() / (m - 1))


def hierarchy_levels(values: pd.Index, table: pd.DataFrame) -> list[np.ndarray]:
    """Node id of each distinct value at levels 1..H of a hierarchy table (first column: the values).

    Values the table does not list (e.g. missing) hang directly under the root; a virtual root is
    added when the top level has more than one node.

    >>> [a.tolist() for a in hierarchy_levels(pd.Index(["a", "b"]), pd.DataFrame([["a", "x", "*"], ["b", "y", "*"]]))]
    [[0, 1], [0, 0]]
    """
    leaves = table.iloc[:, 0].astype(str)
    position = pd.Index(leaves).get_indexer(pd.Index(values).astype(str))
    levels = []
    for level in range(1, table.shape[1]):
        nodes, _ = pd.factorize(table.iloc[:, level].astype(str))
        ids = np.where(position >= 0, nodes[np.maximum(position, 0)], -1)
        levels.append(ids)
    if not levels:
        levels.append(np.zeros(len(values), dtype=np.int64))
    missing = position < 0
    for ids in levels[:-1]:
        ids[missing] = int(ids.max(initial=-1)) + 1 + np.arange(missing.sum())
    if len(np.unique(levels[-1][~missing])) > 1 or missing.any():
        levels[-1][missing] = int(levels[-1].max(initial=-1)) + 1 + np.arange(missing.sum())
        levels.append(np.zeros(len(values), dtype=np.int64))
    return [np.asarray(ids, dtype=np.int64) for ids in levels]


def hierarchical_distance(counts: SensitiveCounts, levels: list[np.ndarray]) -> float:
    """Largest hierarchical EMD of a class, `levels` from `hierarchy_levels`.

    >>> from anonymization_pipeline.core.risk.diversity import sensitive_counts
    >>> tree = [np.array([0, 0, 1, 1]), np.array([0, 0, 0, 0])]
    >>> hierarchical_distance(sensitive_counts(np.array([0, 0, 1, 1]), pd.Series(["a", "b", "c", "d"]), 2), tree)
    0.5
    """
    if len(counts.pair_class) == 0:
        return 0.0
    height = len(levels)
    classes = len(counts.class_sizes)
    q_leaf = _table_share(counts)
    total = np.zeros(classes)
    child_node = counts.pair_value
    child_class = counts.pair_class
    child_p = _class_share(counts)
    child_q = q_leaf
    for depth, parent_of_value in enumerate(levels, start=1):
        extra = child_p - child_q[child_node]
        parent_of_child = _parent_map(levels, depth, len(counts.values))[child_node] if depth > 1 else parent_of_value[child_node]
        width = int(parent_of_value.max()) + 1
        keys, inverse = np.unique(child_class * width + parent_of_child, return_inverse=True)
        positive = np.bincount(inverse, weights=np.maximum(extra, 0.0), minlength=len(keys))
        parent_p = np.bincount(inverse, weights=child_p, minlength=len(keys))
        parent_q = np.bincount(parent_of_value, weights=q_leaf, minlength=width)
        parent_class, parent_node = keys // width, keys % width
        cost = positive - np.maximum(parent_p - parent_q[parent_node], 0.0)
        total += np.bincount(parent_class, weights=cost * depth / height, minlength=classes)
        child_node, child_class, child_p, child_q = parent_node, parent_class, parent_p, parent_q
    return float(total.max())


def _parent_map(levels: list[np.ndarray], depth: int, values: int) -> np.ndarray:
    """Node at level `depth` of each node at level `depth - 1` (consistent hierarchies map each node to one parent)."""
    child_ids, parent_ids = levels[depth - 2], levels[depth - 1]
    parents = np.zeros(int(child_ids.max()) + 1, dtype=np.int64)
    parents[child_ids] = parent_ids
    return parents
