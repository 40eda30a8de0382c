"""Exact optimal full-domain generalization with suppression: the least-loss acceptable node.

A node is acceptable when the rows of all classes failing any criterion number at most the
suppression limit (and, for a criterion whose reference is the published rows, the kept classes
still pass against the kept rows). Nodes are visited in increasing order of a lower bound of the loss; the search
stops when the bound reaches the best loss found, so the result is proven optimal. Ties go to the
node visited first (smaller bound, then fewer levels, then lexicographically smaller).

Pruning, only where it is sound:
- acceptability under the criteria's monotone relaxations (the criteria themselves when all are
  monotone under generalization, and under suppression or nothing may be suppressed; distinct l-diversity for entropy and
  recursive l-diversity) is monotone: a node failing it makes every node below it fail, a node
  passing it every node above it pass; an unknown node is resolved by a binary search on a chain
  up to the top. Only nodes passing the relaxation are checked against the full criteria;
- when the metric is monotone, nothing above an acceptable node can have a lower loss.
Without a relaxation (t-closeness or β-likeness under suppression, δ-disclosure) every node below
the best loss is checked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from anonymization_pipeline.core.privacy.classes import EquivalenceClasses, base_classes, roll_up
from anonymization_pipeline.core.privacy.criteria import Criterion
from anonymization_pipeline.core.privacy.encoding import EncodedTable
from anonymization_pipeline.core.privacy.lattice import Lattice
from anonymization_pipeline.core.privacy.metrics import Metric

UNKNOWN, PASSES, FAILS = 0, 1, 2
_CACHE_TUPLES = 2
_WINDOW = 512


@dataclass(frozen=True)
class Evaluation:
    """One checked node: its classes, which of them fail a criterion, and whether it is acceptable."""

    classes: EquivalenceClasses
    failing: np.ndarray
    acceptable: bool

    @property
    def suppressed_rows(self) -> int:
        return int(self.classes.sizes[self.failing].sum())


@dataclass(frozen=True)
class SearchResult:
    """The optimum: its levels, loss and classes, and how many nodes were checked to prove it."""

    levels: tuple[int, ...]
    loss: float
    evaluation: Evaluation
    nodes_checked: int


def evaluate(classes: EquivalenceClasses, criteria: list[Criterion], suppression_limit: int) -> Evaluation:
    """Flag the classes failing any criterion and decide acceptability under the suppression limit.

    >>> evaluate(classes, [KAnonymity(5)], 0).acceptable  # doctest: +SKIP
    True
    """
    failing = np.zeros(classes.count, dtype=bool)
    for criterion in criteria:
        failing |= criterion.failing(classes)
    acceptable = int(classes.sizes[failing].sum()) <= suppression_limit
    kept = ~failing
    if acceptable and failing.any():
        acceptable = not any(c.for_kept(classes, kept).failing(classes)[kept].any() for c in criteria if c.for_kept(classes, kept) is not c)
    return Evaluation(classes, failing, acceptable)


def optimal_search(
    table: EncodedTable, criteria: list[Criterion], metric: Metric, suppression_limit: int
) -> SearchResult | None:
    """The acceptable node with the least loss, or None when no node is acceptable.

    >>> optimal_search(table, [KAnonymity(5)], make_metric("discernibility", table), 0).levels  # doctest: +SKIP
    (1, 1, 1, 2, 3, 2, 2, 1, 1)
    """
    return _Search(table, criteria, metric, suppression_limit).run()


class _Search:
    def __init__(self, table: EncodedTable, criteria: list[Criterion], metric: Metric, suppression_limit: int):
        self.table = table
        self.criteria = criteria
        self.metric = metric
        self.limit = suppression_limit
        bounds = metric.lower_bounds(Lattice.natural_levels(table.heights))
        self.lattice = Lattice(table.heights, bounds)
        self.bounds = bounds[np.argsort(self.lattice.position)]
        monotone = all(c.monotone_with_generalization for c in criteria) and (
            suppression_limit == 0 or all(c.monotone_with_suppression for c in criteria)
        )
        self.relaxed = criteria if monotone else [r for r in (c.relaxed() for c in criteria) if r is not None]
        self.exact_relaxation = monotone
        self.monotone_metric = metric.monotone(suppression_limit)
        self.radix = [int(r) for r in self.lattice.radix]
        size = len(self.lattice)
        self.relaxed_passes = np.zeros(size, dtype=bool)
        self.relaxed_fails = np.zeros(size, dtype=bool)
        self.status = np.zeros(size, dtype=np.int8)
        self.losses = np.full(size, math.nan)
        self.pending = np.ones(size, dtype=bool)
        self.best: tuple[float, int] | None = None
        self.best_evaluation: Evaluation | None = None
        self.checked = 0
        base = base_classes(table)
        self.cache_levels = np.array([base.levels], dtype=np.int16).reshape(1, len(table.columns))
        self.cache: list[EquivalenceClasses] = [base]
        self.cache_footprints: list[int] = [_footprint(base)]

    def run(self) -> SearchResult | None:
        size = len(self.lattice)
        cursor = 0
        while cursor < size:
            window = np.flatnonzero(self.pending[cursor : cursor + _WINDOW]) + cursor
            cursor += _WINDOW
            for position in window:
                if not self.pending[position]:
                    continue
                if self._beyond_best(position):
                    return self._result()
                self._visit(int(position))
        return self._result()

    def _beyond_best(self, position: int) -> bool:
        if self.best is None:
            return False
        loss, best_position = self.best
        return self.bounds[position] > loss or (self.bounds[position] == loss and position > best_position)

    def _visit(self, position: int) -> None:
        if not (self.relaxed_passes[position] or self.relaxed_fails[position]):
            if self.relaxed:
                self._resolve_by_chain(position)
            else:
                self._check(position)
        if self.relaxed_passes[position]:
            if self.exact_relaxation:
                self.status[position] = PASSES
            if self.status[position] == UNKNOWN:
                self._check(position)
            if self.status[position] == PASSES and math.isnan(self.losses[position]):
                if self.metric.exact_bounds:
                    self._record(position, float(self.bounds[position]), None)
                else:
                    self._check(position)
            if self.status[position] == PASSES and self.monotone_metric:
                self.pending &= ~self.lattice.above(position)
        self.pending[position] = False

    def _resolve_by_chain(self, position: int) -> None:
        """Binary search for the relaxed-acceptability boundary on a chain from `position` to the top."""
        path = [position]
        current = [int(level) for level in self.lattice.levels[position]]
        top = [height - 1 for height in self.table.heights]
        while current != top and not self.relaxed_passes[path[-1]]:
            path.append(self._step_up(current, top))
        low, high = 0, len(path) - 1
        while low <= high:
            middle = (low + high) // 2
            node = path[middle]
            if not (self.relaxed_passes[node] or self.relaxed_fails[node]):
                self._check(node)
            if self.relaxed_passes[node]:
                high = middle - 1
            else:
                low = middle + 1

    def _step_up(self, current: list[int], top: list[int]) -> int:
        """Raise the column whose next level has the least bound (ties: the least raised column)."""
        index = sum(level * radix for level, radix in zip(current, self.radix))
        choices = []
        for j, (level, highest) in enumerate(zip(current, top)):
            if level < highest:
                node = int(self.lattice.position[index + self.radix[j]])
                choices.append((self.bounds[node], level / highest, j, node))
        _, _, column, node = min(choices)
        current[column] += 1
        return node

    def _check(self, position: int) -> None:
        """Compute the node's classes, tag what its relaxed result implies, and record its loss."""
        levels = tuple(int(level) for level in self.lattice.levels[position])
        classes = self._classes(levels)
        self.checked += 1
        relaxed = evaluate(classes, self.relaxed, self.limit)
        if relaxed.acceptable:
            self.relaxed_passes |= self.lattice.above(position)
        else:
            below = self.lattice.below(position)
            self.relaxed_fails |= below
            self.pending &= ~below
        full = relaxed if self.exact_relaxation or not relaxed.acceptable else evaluate(classes, self.criteria, self.limit)
        self.status[position] = PASSES if full.acceptable else FAILS
        if full.acceptable:
            self._record(position, self.metric.loss(classes, full.failing), full)

    def _record(self, position: int, loss: float, evaluation: Evaluation | None) -> None:
        self.losses[position] = loss
        if self.best is None or (loss, position) <= self.best:
            self.best = (loss, position)
            self.best_evaluation = evaluation

    def _classes(self, levels: tuple[int, ...]) -> EquivalenceClasses:
        """Roll up from the cached node below `levels` with the fewest classes. The cache keeps
        the most recent nodes within twice the tuples' size, so memory stays bounded."""
        usable = np.flatnonzero((self.cache_levels <= np.array(levels)).all(axis=1))
        source = min((self.cache[i] for i in usable), key=lambda c: c.count)
        classes = roll_up(self.table, source, levels)
        footprint, budget = _footprint(classes), _CACHE_TUPLES * self.table.tuples
        evicted = 0
        held = sum(self.cache_footprints[1:])
        while evicted < len(self.cache) - 1 and held + footprint > budget:
            evicted += 1
            held -= self.cache_footprints[evicted]
        if evicted:
            del self.cache[1 : 1 + evicted], self.cache_footprints[1 : 1 + evicted]
            self.cache_levels = np.delete(self.cache_levels, np.s_[1 : 1 + evicted], axis=0)
        self.cache.append(classes)
        self.cache_footprints.append(footprint)
        self.cache_levels = np.vstack([self.cache_levels, np.array(levels, dtype=np.int16)])
        return classes

    def _result(self) -> SearchResult | None:
        if self.best is None:
            return None
        loss, position = self.best
        if self.best_evaluation is None:
            self._check(position)
        levels = tuple(int(level) for level in self.lattice.levels[position])
        return SearchResult(levels, loss, self.best_evaluation, self.checked)


def _footprint(classes: EquivalenceClasses) -> int:
    return classes.count + sum(len(pairs.cls) for pairs in classes.pairs.values())
