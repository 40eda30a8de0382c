"""Mondrian: strict multidimensional local recoding by top-down median splits (LeFevre et al., 2006).

Every partition is split in two at the row-weighted median of its widest column (widths
normalized by the whole table's), falling back to the next widest when the halves would break a
criterion (k, l-diversity, t-closeness: the same criterion objects as the lattice search). All
partitions of one generation are split at once with sorts and segment sums over the distinct
tuples, never row by row.

Numeric columns (every value a number, none missing) are ordered by value and published as
`[min, max]` ranges. Categorical columns are ordered along their hierarchy (siblings adjacent)
and split as contiguous value sets; a set that is exactly a hierarchy node's values is published
as that node, any other set as `{a, b, ...}`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from anonymization_pipeline.core.privacy.classes import EquivalenceClasses, grouped_classes
from anonymization_pipeline.core.privacy.criteria import Criterion
from anonymization_pipeline.core.privacy.encoding import EncodedTable
from anonymization_pipeline.core.privacy.grouping import group_keys
from anonymization_pipeline.core.privacy.hierarchies import MISSING, Hierarchy

MONDRIAN_DESCRIPTION = (
    "Mondrian strict multidimensional partitioning: numeric columns as [min, max] ranges, "
    "categorical columns split as contiguous value sets in hierarchy order"
)


@dataclass(frozen=True)
class ColumnOrder:
    """A column's present values in split order: the rank of each hierarchy row, the row at each
    rank, and each rank's position (its number for numeric columns) for measuring widths."""

    rank_of_row: np.ndarray
    rows_by_rank: np.ndarray
    positions: np.ndarray
    numeric: bool


@dataclass(frozen=True)
class Partitioning:
    """The final partitions: partition id of each distinct tuple, and each partition's row count."""

    tuple_partition: np.ndarray
    sizes: np.ndarray
    orders: list[ColumnOrder]
    table: EncodedTable

    @property
    def count(self) -> int:
        return len(self.sizes)


def _column_order(table: EncodedTable, column: int) -> ColumnOrder:
    """Order the column's present values: numerically when all are numbers, else along the hierarchy."""
    hierarchy = table.hierarchies[column]
    present = np.flatnonzero(table.value_counts[column] > 0)
    values = hierarchy.values[present].astype(str)
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)
    numeric = not np.isnan(numbers).any() and not (values == MISSING).any()
    if numeric:
        order = np.argsort(numbers, kind="stable")
        positions = numbers[order]
    else:
        paths = [hierarchy.codes(level)[present] for level in range(hierarchy.height)]
        order = np.lexsort([*paths, values == MISSING])
        positions = np.arange(len(order), dtype=float)
    rank_of_row = np.full(len(hierarchy.values), -1, dtype=np.int64)
    rank_of_row[present[order]] = np.arange(len(order))
    return ColumnOrder(rank_of_row, present[order], positions, numeric)


def mondrian(table: EncodedTable, criteria: list[Criterion]) -> Partitioning | None:
    """Partition the table's tuples; None when even the whole table breaks a criterion.

    >>> mondrian(table, [KAnonymity(5)]).count  # doctest: +SKIP
    4012
    """
    if _failing(table, np.zeros(table.tuples, dtype=np.int64), 1, criteria).any():
        return None
    orders = [_column_order(table, j) for j in range(len(table.columns))]
    ranks = np.array([order.rank_of_row[codes] for order, codes in zip(orders, table.tuple_codes)]).reshape(len(orders), -1)
    positions = np.array([order.positions[r] for order, r in zip(orders, ranks)]).reshape(len(orders), -1)
    spans = np.array([order.positions[-1] - order.positions[0] if len(order.positions) else 0.0 for order in orders])
    partition = np.zeros(table.tuples, dtype=np.int64)
    active = np.array([True])
    while active.any():
        generation = len(active)
        widths = _widths(partition, generation, positions, spans)
        preference = np.argsort(-widths, axis=1, kind="stable")
        undecided = active.copy()
        count = generation
        for rank in range(len(orders)):
            column = np.zeros(count, dtype=np.int64)
            column[:generation] = preference[:, rank]
            trying = np.zeros(count, dtype=bool)
            trying[:generation] = undecided & (widths[np.arange(generation), preference[:, rank]] > 0)
            if not trying.any():
                continue
            right, allowed = _try_split(table, partition, count, ranks, column, trying, criteria)
            moved = right & allowed[partition]
            partition[moved] = count + np.cumsum(allowed)[partition[moved]] - 1
            undecided &= ~allowed[:generation]
            count += int(allowed.sum())
        split = np.ones(count, dtype=bool)
        split[:generation] = active & ~undecided
        active = split
    sizes = np.bincount(partition, weights=table.tuple_counts, minlength=len(active)).astype(np.int64)
    return Partitioning(partition, sizes, orders, table)


def _widths(partition: np.ndarray, count: int, positions: np.ndarray, spans: np.ndarray) -> np.ndarray:
    """Normalized width of every column in every partition."""
    widths = np.zeros((count, len(spans)))
    for j, span in enumerate(spans):
        if span <= 0:
            continue
        low = np.full(count, np.inf)
        high = np.full(count, -np.inf)
        np.minimum.at(low, partition, positions[j])
        np.maximum.at(high, partition, positions[j])
        widths[:, j] = (high - low) / span
    return widths


def _try_split(
    table: EncodedTable,
    partition: np.ndarray,
    count: int,
    ranks: np.ndarray,
    column: np.ndarray,
    trying: np.ndarray,
    criteria: list[Criterion],
) -> tuple[np.ndarray, np.ndarray]:
    """Median split of each trying partition on its column: (tuple goes right, partition may split)."""
    members = np.flatnonzero(trying[partition])
    owner = partition[members]
    code = ranks[column[owner], members]
    width = int(ranks.max()) + 2
    order = np.argsort(owner * width + code, kind="stable")
    owner, code, weight = owner[order], code[order], table.tuple_counts[members[order]].astype(float)
    cumulative = np.cumsum(weight)
    first = np.ones(len(owner), dtype=bool)
    first[1:] = owner[1:] != owner[:-1]
    before = (cumulative - weight)[np.maximum.accumulate(np.where(first, np.arange(len(owner)), 0))]
    within = cumulative - before
    total = np.bincount(owner, weights=weight, minlength=count)[owner]
    boundary = np.zeros(len(owner), dtype=bool)
    boundary[:-1] = (owner[1:] == owner[:-1]) & (code[1:] != code[:-1])
    score = np.where(boundary, np.abs(2 * within - total), np.inf)
    best = np.full(count, np.inf)
    np.minimum.at(best, owner, score)
    chosen = boundary & (score == best[owner])
    split_code = np.full(count, np.iinfo(np.int64).max)
    np.minimum.at(split_code, owner[chosen], code[chosen])
    right = np.zeros(len(partition), dtype=bool)
    right[members] = ranks[column[partition[members]], members] > split_code[partition[members]]
    halves = np.where(trying[partition], 2 * partition + right, 2 * count)
    failing = _failing(table, halves, 2 * count + 1, criteria)[: 2 * count].reshape(count, 2)
    has_split = np.isfinite(best)
    return right, trying & has_split & ~failing.any(axis=1)


def _failing(table: EncodedTable, group: np.ndarray, groups: int, criteria: list[Criterion]) -> np.ndarray:
    """Which of the groups (a group id per tuple) break a criterion; empty groups do not."""
    classes = grouped_classes(table, group, groups)
    nonempty = classes.sizes > 0
    classes = EquivalenceClasses((), classes.reps, np.maximum(classes.sizes, 1), classes.pairs)
    failing = np.zeros(groups, dtype=bool)
    for criterion in criteria:
        failing |= criterion.failing(classes)
    return failing & nonempty


def partition_labels(result: Partitioning) -> list[np.ndarray]:
    """Per column, the published label of each partition (ranges, hierarchy nodes or value sets).

    >>> partition_labels(mondrian(table, [KAnonymity(2)]))[0].tolist()  # doctest: +SKIP
    ['[20, 30]', '[40, 50]']
    """
    labels = []
    for j, order in enumerate(result.orders):
        ranks = order.rank_of_row[result.table.tuple_codes[j]]
        width = len(order.rows_by_rank) + 1
        group = group_keys(result.tuple_partition * width + ranks, result.count * width, with_classes=False)
        owner = result.tuple_partition[group.reps]
        rows = order.rows_by_rank[ranks[group.reps]]
        distinct = np.bincount(owner, minlength=result.count)
        last = np.cumsum(distinct) - 1
        first = last - distinct + 1
        hierarchy = result.table.hierarchies[j]
        values = pa.array(hierarchy.values[rows].astype(str))
        if order.numeric:
            column = pc.binary_join_element_wise("[", values.take(pa.array(first)), ", ", values.take(pa.array(last)), "]", "")
        else:
            offsets = pa.array(np.concatenate([[0], last + 1]), type=pa.int32())
            joined = pc.binary_join(pa.ListArray.from_arrays(offsets, values), ", ")
            column = pc.binary_join_element_wise("{", joined, "}", "")
        column = np.asarray(column.to_pylist(), dtype=object)
        single = distinct == 1
        column[single] = hierarchy.values[rows[first[single]]]
        if not order.numeric:
            _name_hierarchy_nodes(column, hierarchy, order, rows, first, last, distinct, ~single)
        labels.append(column)
    return labels


def _name_hierarchy_nodes(
    labels: np.ndarray,
    hierarchy: Hierarchy,
    order: ColumnOrder,
    rows: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    distinct: np.ndarray,
    unnamed: np.ndarray,
) -> None:
    """Replace a value set by the lowest hierarchy node whose present values it is exactly."""
    unnamed = unnamed.copy()
    for level in range(1, hierarchy.height):
        codes = hierarchy.codes(level)
        under = np.bincount(codes[order.rows_by_rank], minlength=len(hierarchy.labels(level)))
        low, high = codes[rows[first]], codes[rows[last]]
        exact = unnamed & (low == high) & (under[low] == distinct)
        labels[exact] = hierarchy.labels(level)[low[exact]]
        unnamed &= ~exact
