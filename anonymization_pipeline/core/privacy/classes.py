"""The class-count structure every measure reads: class sizes and, per sensitive attribute, the
value counts of each class.

It is made in two ways by the same code (`count_pairs`): inside the search, a lattice node's
classes are unions of a finer node's classes, so they are found by mapping one representative
tuple per finer class and summing counts (`roll_up`); for the assessment, a published frame is
regrouped from scratch on its quasi-identifier cells (`published_classes`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from anonymization_pipeline.core.operators.generalization import SUPPRESSED
from anonymization_pipeline.core.privacy.encoding import EncodedTable, SensitiveAttribute, column_strings
from anonymization_pipeline.core.privacy.grouping import SensitivePairs, combine_codes, count_pairs, group_keys


@dataclass(frozen=True)
class EquivalenceClasses:
    """The classes of one node: one representative tuple and the row count of each class, and the
    (class, value) counts of each sensitive attribute."""

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
    return EquivalenceClasses(base_levels(table), np.arange(table.tuples, dtype=np.int64), table.tuple_counts, dict(table.sensitive_pairs))


def roll_up(table: EncodedTable, source: EquivalenceClasses, levels: tuple[int, ...]) -> EquivalenceClasses:
    """The classes at `levels`, which must be at or above `source.levels` in every column.

    >>> roll_up(table, base_classes(table), (1, 0)).count  # doctest: +SKIP
    42
    """
    keys, space = table.node_keys(levels, None if source.levels == base_levels(table) else source.reps)
    groups = group_keys(keys, space, source.sizes, with_classes=bool(source.pairs))
    pairs = {name: _merge(p, groups.class_of, groups.count, table.sensitive[name].width) for name, p in source.pairs.items()}
    return EquivalenceClasses(levels, source.reps[groups.reps], groups.totals, pairs)


def _merge(pairs: SensitivePairs, class_of: np.ndarray, classes: int, width: int) -> SensitivePairs:
    return count_pairs(class_of[pairs.cls], pairs.value, classes, width, pairs.count)


def grouped_classes(table: EncodedTable, group: np.ndarray, groups: int) -> EquivalenceClasses:
    """Classes given directly as a group id per distinct tuple (Mondrian's partitions).

    Empty groups get size 0; `reps` is left empty because such classes are not rolled up.

    >>> grouped_classes(table, np.array([0, 1, 1]), 2).sizes  # doctest: +SKIP
    array([4, 7])
    """
    sizes = np.bincount(group, weights=table.tuple_counts, minlength=groups).astype(np.int64)
    pairs = {name: _merge(p, group, groups, table.sensitive[name].width) for name, p in table.sensitive_pairs.items()}
    return EquivalenceClasses((), np.zeros(0, dtype=np.int64), sizes, pairs)


def stacked_classes(parts: list[EquivalenceClasses], attributes: list[str]) -> EquivalenceClasses:
    """The classes of disjoint sets of rows side by side, each part's class ids offset by the
    classes before it, so the pairs stay sorted by class then value: how the Spark engine measures
    its published classes one bounded chunk at a time.

    >>> one = EquivalenceClasses((), np.zeros(0, dtype=np.int64), np.array([3]), {})
    >>> stacked_classes([one, one], []).sizes.tolist()
    [3, 3]
    """
    offsets = np.cumsum([0] + [part.count for part in parts])
    sizes = np.concatenate([np.zeros(0, dtype=np.int64)] + [part.sizes for part in parts])
    pairs = {}
    for name in attributes:
        chosen = [part.pairs[name] for part in parts]
        pairs[name] = SensitivePairs(
            np.concatenate([np.zeros(0, dtype=np.int64)] + [p.cls + offset for p, offset in zip(chosen, offsets)]),
            np.concatenate([np.zeros(0, dtype=np.int64)] + [p.value for p in chosen]),
            np.concatenate([np.zeros(0, dtype=np.int64)] + [p.count for p in chosen]),
        )
    return EquivalenceClasses((), np.zeros(0, dtype=np.int64), sizes, pairs)


@dataclass(frozen=True)
class PublishedClasses:
    """A published frame regrouped: its classes, the class of every row (-1 for a suppressed row)."""

    classes: EquivalenceClasses
    row_class: np.ndarray
    suppressed_rows: int

    @property
    def sizes(self) -> np.ndarray:
        return self.classes.sizes

    @property
    def count(self) -> int:
        return self.classes.count

    @property
    def rows(self) -> int:
        """Rows that belong to a class (suppressed rows excluded)."""
        return int(self.sizes.sum())

    def first_rows(self) -> np.ndarray:
        """Position of one row of each class, to read the class's values from the frame."""
        kept = np.flatnonzero(self.row_class >= 0)
        classes, first = np.unique(self.row_class[kept], return_index=True)
        out = np.empty(self.count, dtype=np.int64)
        out[classes] = kept[first]
        return out


def published_classes(
    frame: pd.DataFrame,
    columns: list[str],
    attributes: dict[str, SensitiveAttribute] | None = None,
    weights: np.ndarray | None = None,
) -> PublishedClasses:
    """Group the rows of `frame` by the cells of `columns` and count each attribute's values per class.
    With `weights` each row stands for that many records (a histogram of distinct published rows,
    as a distributed group-by returns it).

    Missing cells are a value of their own. A row whose every cell is `*` is suppressed and left
    out, as ARX does, unless every row is `*` (then the whole table is one class).

    >>> p = published_classes(pd.DataFrame({"age": ["2*", "2*", "*"], "zip": ["1*", "1*", "*"]}), ["age", "zip"])
    >>> p.sizes.tolist(), p.suppressed_rows
    ([2], 1)
    """
    rows = len(frame)
    codes, cards = [], []
    suppressed = np.ones(rows, dtype=bool)
    for name in columns:
        encoded = column_strings(frame[name]).dictionary_encode()
        dictionary = encoded.dictionary.to_numpy(zero_copy_only=False)
        cell = encoded.indices.fill_null(len(dictionary)).to_numpy().astype(np.int64)
        suppressed &= pc.equal(column_strings(frame[name]), SUPPRESSED).fill_null(False).to_numpy(zero_copy_only=False)
        codes.append(cell)
        cards.append(len(dictionary) + 1)
    if not columns or suppressed.all():
        suppressed = np.zeros(rows, dtype=bool)
    kept = np.flatnonzero(~suppressed)
    key, space = combine_codes([c[kept] for c in codes], cards, len(kept))
    kept_weights = None if weights is None else weights[kept]
    groups = group_keys(key, space, kept_weights)
    row_class = np.full(rows, -1, dtype=np.int64)
    row_class[kept] = groups.class_of
    pairs = {
        name: count_pairs(groups.class_of, attribute.codes(frame[name].iloc[kept]), groups.count, attribute.width, kept_weights)
        for name, attribute in (attributes or {}).items()
    }
    classes = EquivalenceClasses((), np.zeros(0, dtype=np.int64), groups.totals, pairs)
    suppressed_rows = int(suppressed.sum()) if weights is None else int(weights[suppressed].sum())
    return PublishedClasses(classes, row_class, suppressed_rows)
