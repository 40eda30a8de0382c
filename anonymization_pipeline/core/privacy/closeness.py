"""t-closeness: a class's distribution of the sensitive attribute is within t of the reference's.

The reference is the whole input (ARX's definition, `reference: input`) or the rows that are
published in a class (`reference: published`). Distances as in Li, Li & Venkatasubramanian,
"t-Closeness: Privacy Beyond k-Anonymity and l-Diversity", ICDE 2007, and as ARX computes them.
Each works on the sparse (class, value) counts, so its cost grows with the pairs present.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import replace
from typing import Any

import numpy as np

from anonymization_pipeline.core.operators.generalization import number_text
from anonymization_pipeline.core.privacy.classes import EquivalenceClasses
from anonymization_pipeline.core.privacy.criteria import Criterion, criterion
from anonymization_pipeline.core.privacy.encoding import SensitiveAttribute
from anonymization_pipeline.core.privacy.grouping import SensitivePairs, group_keys


class TCloseness(Criterion):
    """Monotone under generalization (a mixture is no farther than its parts), not under suppression."""

    section = "t_closeness"
    achieved_key = "t_achieved"
    name: str

    def __init__(self, attribute: SensitiveAttribute, t: float, reference: str = "input"):
        self.source = attribute
        self.attribute = attribute.name
        self.t = t
        self.reference = reference
        self.global_shares = attribute.distribution / max(attribute.distribution.sum(), 1)

    @abstractmethod
    def distances(self, classes: EquivalenceClasses) -> np.ndarray:
        """The earth mover's distance of each class."""

    def failing(self, classes: EquivalenceClasses) -> np.ndarray:
        return self.distances(classes) > self.t

    def achieved(self, classes: EquivalenceClasses, kept: np.ndarray) -> float:
        return float(self.distances(classes)[kept].max()) if kept.any() else 0.0

    def describe(self) -> str:
        return f"{number_text(self.t)}-closeness ({self.name} distance) on '{self.attribute}'"

    def unmet(self, achieved: float) -> str:
        return f"t-closeness ({self.name}) on '{self.attribute}': achieved t = {achieved:.4g}; the policy allows t = {self.t:g}"

    def for_kept(self, classes: EquivalenceClasses, kept: np.ndarray) -> Criterion:
        if self.reference == "input":
            return self
        pairs = classes.pairs[self.attribute]
        inside = kept[pairs.cls]
        counts = np.bincount(pairs.value[inside], weights=pairs.count[inside], minlength=self.source.width).astype(np.int64)
        return type(self)(replace(self.source, distribution=counts), self.t, self.reference)

    def _shares(self, classes: EquivalenceClasses) -> tuple[SensitivePairs, np.ndarray]:
        pairs = classes.pairs[self.attribute]
        return pairs, pairs.count / classes.sizes[pairs.cls]


class EqualDistanceTCloseness(TCloseness):
    """EMD with equal ground distance: half the L1 distance between the distributions."""

    name = "equal"

    def distances(self, classes: EquivalenceClasses) -> np.ndarray:
        pairs, shares = self._shares(classes)
        q = self.global_shares[pairs.value]
        return (1.0 + np.bincount(pairs.cls, weights=np.abs(shares - q) - q, minlength=classes.count)) / 2.0


class OrderedDistanceTCloseness(TCloseness):
    """EMD over values in their natural order: sum_i |sum_{j<=i} (p_j - q_j)| / (m - 1).

    A class's cumulative share is a step function over the ordered values, so each stretch between
    two of its values is summed in closed form against the reference's cumulative shares.
    """

    name = "ordered"

    def __init__(self, attribute: SensitiveAttribute, t: float, reference: str = "input"):
        super().__init__(attribute, t, reference)
        self.cumulative = np.cumsum(self.global_shares)
        self.prefix = np.concatenate([[0.0], np.cumsum(self.cumulative)])

    def _totals(self, classes: EquivalenceClasses) -> np.ndarray:
        pairs = classes.pairs[self.attribute]
        m = len(self.global_shares)
        first = np.ones(len(pairs.cls), dtype=bool)
        first[1:] = pairs.cls[1:] != pairs.cls[:-1]
        last = np.ones(len(pairs.cls), dtype=bool)
        last[:-1] = first[1:]
        running = np.cumsum(pairs.count)
        before = (running - pairs.count)[np.maximum.accumulate(np.where(first, np.arange(len(first)), 0))]
        level = (running - before) / classes.sizes[pairs.cls]
        start = pairs.value
        end = np.where(last, m, np.roll(pairs.value, -1))
        crossing = np.clip(np.searchsorted(self.cumulative, level, side="left"), start, end)
        below = level * (crossing - start) - (self.prefix[crossing] - self.prefix[start])
        above = (self.prefix[end] - self.prefix[crossing]) - level * (end - crossing)
        lead = np.where(first, self.prefix[start], 0.0)
        return np.bincount(pairs.cls, weights=below + above + lead, minlength=classes.count)

    def distances(self, classes: EquivalenceClasses) -> np.ndarray:
        return self._totals(classes) / max(len(self.global_shares) - 1, 1)

    def failing(self, classes: EquivalenceClasses) -> np.ndarray:
        return self._totals(classes) > self.t * (len(self.global_shares) - 1)


class HierarchicalDistanceTCloseness(TCloseness):
    """EMD over the sensitive attribute's hierarchy (Li, Li & Venkatasubramanian, ICDE 2007).

    Each inner node at level h costs h/H * min(positive extra, negative extra) of its children;
    only present children can carry a positive extra, so everything stays sparse per class.
    """

    name = "hierarchical"

    def __init__(self, attribute: SensitiveAttribute, t: float, reference: str = "input"):
        super().__init__(attribute, t, reference)
        codes = attribute.level_codes()
        self.leaves = codes[0]
        self.level_shares = [np.bincount(level, weights=self.global_shares) for level in codes]
        self.parents = [_parent_map(child, parent) for child, parent in zip(codes, codes[1:])]

    def distances(self, classes: EquivalenceClasses) -> np.ndarray:
        pairs, share = self._shares(classes)
        height = len(self.parents)
        cost = np.zeros(classes.count)
        cls, node = pairs.cls, self.leaves[pairs.value]
        extra = share - self.level_shares[0][node]
        for level, parents in enumerate(self.parents, start=1):
            parent = parents[node]
            width = len(self.level_shares[level])
            groups = group_keys(cls * width + parent, classes.count * width)
            positive = np.bincount(groups.class_of, weights=np.maximum(extra, 0.0), minlength=groups.count)
            share = np.bincount(groups.class_of, weights=share, minlength=groups.count)
            cls, node = cls[groups.reps], parent[groups.reps]
            extra = share - self.level_shares[level][node]
            cost += np.bincount(cls, weights=(level / height) * (positive - np.maximum(extra, 0.0)), minlength=classes.count)
        return cost


def _parent_map(child: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """Node id at the next level for each node id at this one (levels refine each other)."""
    result = np.zeros(int(child.max()) + 1 if len(child) else 0, dtype=np.int64)
    result[child] = parent
    return result


DISTANCES = {"equal": EqualDistanceTCloseness, "ordered": OrderedDistanceTCloseness, "hierarchical": HierarchicalDistanceTCloseness}


@criterion("t_closeness")
def _t(section: Any, sensitive: dict[str, SensitiveAttribute]) -> Criterion:
    return DISTANCES[section.distance](sensitive[section.attribute], section.t, section.reference)
