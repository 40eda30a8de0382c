"""Equivalence classes of one lattice node, computed by rolling up a finer node's classes.

A coarser node's classes are unions of a finer node's classes, so they are found by mapping one
representative tuple per finer class (not rows, not even all tuples) and summing counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anonymization_pipeline.core.privacy.encoding import EncodedTable
from anonymization_pipeline.core.privacy.grouping import group_keys


@dataclass(frozen=True)
class SensitivePairs:
    """Distinct (class, sensitive value) pairs with counts, sorted by class then value."""

    cls: np.ndarray
    value: np.ndarray
    count: np.ndarray


@dataclass(frozen=True)
class EquivalenceClasses:
    """The classes of one node: one representative tuple and the row count of each class."""

    levels: tuple[int, ...]
    reps: np.ndarray
    sizes: np.ndarray
    pairs: dict[str, SensitivePairs]

    @property
    def count(self) -> int:
        return len(self.sizes)


def base_levels(table: EncodedTable) -> tuple[int, ...]:
    """The bottom node: level 0 everywhere.

    >>> base_levels(table)  # doctest: +SKIP
    (0, 0, 0)
    """
    return (0,) * len(table.columns)


def base_classes(table: EncodedTable) -> EquivalenceClasses:
    """The bottom node: every distinct tuple is its own class.

    >>> base_classes(table).count == table.tuples  # doctest: +SKIP
    True
    """
    pairs = {
        name: SensitivePairs(attribute.pair_tuple, attribute.pair_value, attribute.pair_count)
        for name, attribute in table.sensitive.items()
    }
    return EquivalenceClasses(base_levels(table), np.arange(table.tuples, dtype=np.int64), table.tuple_counts, pairs)


def roll_up(table: EncodedTable, source: EquivalenceClasses, levels: tuple[int, ...]) -> EquivalenceClasses:
    """The classes at `levels`, which must be at or above `source.levels` in every column.

    >>> roll_up(table, base_classes(table), (1, 0)).count  # doctest: +SKIP
    42
    """
    keys, space = table.node_keys(levels, None if source.levels == base_levels(table) else source.reps)
    groups = group_keys(keys, space, source.sizes, with_classes=bool(source.pairs))
    pairs = {name: _merge_pairs(p, groups.class_of, groups.count, table.sensitive[name].width) for name, p in source.pairs.items()}
    return EquivalenceClasses(levels, source.reps[groups.reps], groups.totals, pairs)


def _merge_pairs(pairs: SensitivePairs, class_of: np.ndarray, classes: int, width: int) -> SensitivePairs:
    cls = class_of[pairs.cls]
    groups = group_keys(cls * width + pairs.value, classes * width, pairs.count, with_classes=False)
    return SensitivePairs(cls[groups.reps], pairs.value[groups.reps], groups.totals)


def grouped_classes(table: EncodedTable, group: np.ndarray, groups: int) -> EquivalenceClasses:
    """Classes given directly as a group id per distinct tuple (Mondrian's partitions).

    Empty groups get size 0; `reps` is left empty because such classes are not rolled up.

    >>> grouped_classes(table, np.array([0, 1, 1]), 2).sizes  # doctest: +SKIP
    array([4, 7])
    """
    sizes = np.bincount(group, weights=table.tuple_counts, minlength=groups).astype(np.int64)
    pairs = {}
    for name, attribute in table.sensitive.items():
        cls = group[attribute.pair_tuple]
        merged = group_keys(cls * attribute.width + attribute.pair_value, groups * attribute.width, attribute.pair_count, with_classes=False)
        pairs[name] = SensitivePairs(cls[merged.reps], attribute.pair_value[merged.reps], merged.totals)
    return EquivalenceClasses((), np.zeros(0, dtype=np.int64), sizes, pairs)
