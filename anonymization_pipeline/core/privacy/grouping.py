"""Grouping integer keys into dense class ids: the one operation every search step repeats.

Three ways, chosen by the size of the key space: a bincount over a small space (no sort), a sort
of keys packed with their positions (one `np.sort`, no argsort), or `np.unique` as the fallback.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_DENSE_SPACE_LIMIT = 1 << 24
_PACK_LIMIT = 1 << 62


@dataclass(frozen=True)
class Groups:
    """`reps[c]` is the position of one key in class c, `totals[c]` the sum of its weights, and
    `class_of[i]` (when asked for) the class of key i.

    Class ids follow the order of the keys, so pairs keyed `class * width + value` come out sorted.
    """

    count: int
    reps: np.ndarray
    totals: np.ndarray
    class_of: np.ndarray | None


def group_keys(keys: np.ndarray, space: int, weights: np.ndarray | None = None, with_classes: bool = True) -> Groups:
    """Dense class ids for `keys` (int64 in [0, space)), with per-class sums of `weights` (int64).

    >>> g = group_keys(np.array([5, 2, 5]), 8, np.array([1, 2, 3]))
    >>> g.class_of.tolist(), g.count, g.totals.tolist()
    ([1, 0, 1], 2, [2, 4])
    """
    n = len(keys)
    if space <= max(4 * n, 1 << 12) and space <= _DENSE_SPACE_LIMIT:
        totals = np.bincount(keys, weights=weights, minlength=space)
        present = np.flatnonzero(totals)
        slot = np.empty(space, dtype=np.int64)
        slot[keys] = np.arange(n)
        class_of = None
        if with_classes:
            slot_class = np.empty(space, dtype=np.int64)
            slot_class[present] = np.arange(len(present))
            class_of = slot_class[keys]
        return Groups(len(present), slot[present], totals[present].astype(np.int64), class_of)
    if n and space * n < _PACK_LIMIT:
        packed = keys * n + np.arange(n)
        packed.sort()
        sorted_keys = packed // n
        positions = packed - sorted_keys * n
        starts = np.empty(n, dtype=bool)
        starts[0] = True
        np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=starts[1:])
        first = np.flatnonzero(starts)
        totals = np.add.reduceat(weights[positions] if weights is not None else np.ones(n, dtype=np.int64), first)
        class_of = None
        if with_classes:
            class_of = np.empty(n, dtype=np.int64)
            class_of[positions] = np.cumsum(starts) - 1
        return Groups(len(first), positions[first], totals.astype(np.int64), class_of)
    _, reps, class_of = np.unique(keys, return_index=True, return_inverse=True)
    class_of = class_of.ravel()
    totals = np.bincount(class_of, weights=weights, minlength=len(reps)).astype(np.int64)
    return Groups(len(reps), reps, totals, class_of)


@dataclass(frozen=True)
class SensitivePairs:
    """Distinct (class, sensitive value) pairs with counts, sorted by class then value."""

    cls: np.ndarray
    value: np.ndarray
    count: np.ndarray


def count_pairs(group: np.ndarray, codes: np.ndarray, groups: int, width: int, weights: np.ndarray | None = None) -> SensitivePairs:
    """The (class, value) pairs of items in classes `group` with value ids `codes` (weighted counts).

    The one place value counts per class are made: from rows (encoding, a published frame) and
    from finer classes' pairs (roll-up, Mondrian).

    >>> p = count_pairs(np.array([1, 0, 1]), np.array([2, 0, 2]), 2, 3)
    >>> p.cls.tolist(), p.value.tolist(), p.count.tolist()
    ([0, 1], [0, 2], [1, 2])
    """
    group = group.astype(np.int64, copy=False)
    merged = group_keys(group * width + codes, groups * width, weights, with_classes=False)
    return SensitivePairs(group[merged.reps], codes[merged.reps], merged.totals)


def combine_codes(codes: list[np.ndarray], cards: list[int], size: int) -> tuple[np.ndarray, int]:
    """One int64 key per position from several code arrays (mixed radix), and the key space.

    When the product of the cardinalities would overflow, the key so far is compacted first.

    >>> combine_codes([np.array([0, 1]), np.array([2, 0])], [2, 3], 2)
    (array([2, 3]), 6)
    """
    key = np.zeros(size, dtype=np.int64)
    space = 1
    for column, card in zip(codes, cards):
        if card == 1:
            continue
        if space * card >= _PACK_LIMIT:
            groups = group_keys(key, space)
            key, space = groups.class_of.astype(np.int64), groups.count
        key = key * card + column
        space *= card
    return key, space
