"""Utility metrics as separate objects, defined as in ARX 3.9 so that optima and losses match.

Each metric gives the loss of one node from its classes, and a lower bound for every lattice node
at once (vectorized), which the search uses to stop early. Per-column values are floored to 1e-10
before they are combined, in column order, as ARX does.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

import numpy as np

from anonymization_pipeline.core.privacy.classes import EquivalenceClasses
from anonymization_pipeline.core.privacy.encoding import EncodedTable

_SAFETY = 1e-9


def floor10(values: np.ndarray | float) -> np.ndarray | float:
    """ARX's rounding of per-column losses: floor(v * 1e10) / 1e10.

    >>> float(floor10(0.12345678919))
    0.1234567891
    """
    return np.floor(np.asarray(values) * 1e10) / 1e10


class Metric(ABC):
    """Information loss of a transformation; lower is better."""

    name: str
    exact_bounds = False
    always_monotone = False

    def __init__(self, table: EncodedTable):
        self.table = table
        self.rows = table.rows

    def monotone(self, suppression_limit: int) -> bool:
        """Whether a coarser node never has a lower loss (always true without suppression)."""
        return self.always_monotone or suppression_limit == 0

    @abstractmethod
    def lower_bounds(self, levels: np.ndarray) -> np.ndarray:
        """A lower bound of the loss of every node (rows of `levels`), monotone along the lattice."""

    @abstractmethod
    def loss(self, classes: EquivalenceClasses, suppressed: np.ndarray) -> float:
        """The loss of a node whose classes are `classes`, those flagged in `suppressed` suppressed."""

    def _class_bounds(self, levels: np.ndarray) -> np.ndarray:
        """An upper bound of the number of classes at each node: tuples, and nodes per column."""
        product = np.ones(len(levels))
        for j, hierarchy in enumerate(self.table.hierarchies):
            cards = np.array([len(hierarchy.labels(level)) for level in range(hierarchy.height)], dtype=float)
            product *= cards[levels[:, j]]
        return np.minimum(product, self.table.tuples).astype(np.int64)


class Discernibility(Metric):
    """DM: kept classes cost |E|^2, suppressed ones N*|E|.

    >>> Discernibility(table).loss(classes, suppressed)  # doctest: +SKIP
    33627534.0
    """

    name = "discernibility"

    def lower_bounds(self, levels: np.ndarray) -> np.ndarray:
        return ((self.rows * self.rows) // np.maximum(self._class_bounds(levels), 1)).astype(float)

    def loss(self, classes: EquivalenceClasses, suppressed: np.ndarray) -> float:
        sizes = classes.sizes
        return float(int((sizes[~suppressed] ** 2).sum()) + self.rows * int(sizes[suppressed].sum()))


class MonotonicDiscernibility(Discernibility):
    """DM*: every class costs |E|^2, suppressed or not."""

    name = "discernibility_monotonic"
    always_monotone = True

    def loss(self, classes: EquivalenceClasses, suppressed: np.ndarray) -> float:
        return float(int((classes.sizes**2).sum()))


class MonotonicNonUniformEntropy(Metric):
    """Sum over columns and rows of -log2(a_v / b_v): a_v rows with the original value, b_v rows
    sharing its generalized value. It depends on the levels only, so bounds are exact."""

    name = "non_uniform_entropy_monotonic"
    exact_bounds = True
    always_monotone = True

    def __init__(self, table: EncodedTable):
        super().__init__(table)
        self.columns = [self._column_losses(j) for j in range(len(table.columns))]

    def _column_losses(self, column: int) -> np.ndarray:
        hierarchy, counts = self.table.hierarchies[column], self.table.value_counts[column].astype(float)
        present = counts > 0
        losses = []
        for level in range(hierarchy.height):
            codes = hierarchy.codes(level)
            shared = np.bincount(codes, weights=counts)[codes]
            a, b = counts[present], shared[present]
            losses.append(float(-(a * np.log2(a / b)).sum()) + 0.0)
        return np.array(losses)

    def lower_bounds(self, levels: np.ndarray) -> np.ndarray:
        total = np.zeros(len(levels))
        for j, losses in enumerate(self.columns):
            total = total + floor10(losses)[levels[:, j]]
        return total

    def loss(self, classes: EquivalenceClasses, suppressed: np.ndarray) -> float:
        return float(self.lower_bounds(np.array([classes.levels]))[0])


class NonUniformEntropy(MonotonicNonUniformEntropy):
    """The monotonic variant plus, per column, the entropy of the suppressed rows' generalized values."""

    name = "non_uniform_entropy"
    exact_bounds = False
    always_monotone = False

    def loss(self, classes: EquivalenceClasses, suppressed: np.ndarray) -> float:
        removed = int(classes.sizes[suppressed].sum())
        total = 0.0
        for j, losses in enumerate(self.columns):
            value = losses[classes.levels[j]]
            if removed:
                codes = self.table.tuple_level_codes(j, classes.levels[j])[classes.reps[suppressed]]
                counts = np.bincount(codes, weights=classes.sizes[suppressed])
                counts = counts[counts > 0]
                value += float(-(counts * np.log2(counts / removed)).sum())
            total += float(floor10(value))
        return total


class Loss(Metric):
    """ARX's loss: per column the average generalized domain share, normalized; geometric mean."""

    name = "loss"

    def __init__(self, table: EncodedTable):
        super().__init__(table)
        self.shares = []
        self.row_shares = []
        for hierarchy, counts in zip(table.hierarchies, table.value_counts):
            per_level = []
            per_row = []
            for level in range(hierarchy.height):
                codes = hierarchy.codes(level)
                share = np.bincount(codes) / len(codes)
                per_level.append(share)
                per_row.append(float((counts * share[codes]).sum()))
            self.shares.append(per_level)
            self.row_shares.append(np.array(per_row))

    def _combine(self, accumulated: list[np.ndarray]) -> np.ndarray:
        result = np.ones_like(accumulated[0], dtype=float)
        m = len(accumulated)
        for hierarchy, acc in zip(self.table.hierarchies, accumulated):
            minimum = self.rows / len(hierarchy.values)
            with np.errstate(invalid="ignore", divide="ignore"):
                normalized = (acc - minimum) / (self.rows - minimum)
            normalized = floor10(np.where(normalized >= 0, normalized, 0.0))
            result = result * np.power(normalized + 1.0, 1.0 / m)
        return result - 1.0

    def lower_bounds(self, levels: np.ndarray) -> np.ndarray:
        accumulated = [per_row[levels[:, j]] for j, per_row in enumerate(self.row_shares)]
        return np.maximum(self._combine(accumulated) - _SAFETY, 0.0)

    def loss(self, classes: EquivalenceClasses, suppressed: np.ndarray) -> float:
        accumulated = []
        kept = ~suppressed
        for j, level in enumerate(classes.levels):
            codes = self.table.tuple_level_codes(j, level)[classes.reps[kept]]
            acc = float((classes.sizes[kept] * self.shares[j][level][codes]).sum()) + float(classes.sizes[suppressed].sum())
            accumulated.append(np.array([acc]))
        return float(self._combine(accumulated)[0])


class AverageClassSize(Metric):
    """AECS: rows per kept class, counting all suppressed rows as one more class."""

    name = "aecs"

    def lower_bounds(self, levels: np.ndarray) -> np.ndarray:
        return self.rows / (self._class_bounds(levels) + 1.0)

    def loss(self, classes: EquivalenceClasses, suppressed: np.ndarray) -> float:
        groups = int((~suppressed).sum()) + (1 if suppressed.any() else 0)
        return self.rows / groups if groups else math.inf


METRICS: dict[str, type[Metric]] = {
    cls.name: cls
    for cls in (Discernibility, MonotonicDiscernibility, NonUniformEntropy, MonotonicNonUniformEntropy, Loss, AverageClassSize)
}


def make_metric(name: str, table: EncodedTable) -> Metric:
    """The metric called `name` (a policy's `privacy.metric`) over `table`.

    >>> make_metric("discernibility", table).name  # doctest: +SKIP
    'discernibility'
    """
    return METRICS[name](table)
