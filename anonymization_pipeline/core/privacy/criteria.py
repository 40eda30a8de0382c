"""Privacy models as separate criteria: each says which classes fail it, nothing more.

The search combines any subset of them and knows nothing about any one model. Definitions follow
ARX 3.9 so that results match: k-anonymity; l-diversity (distinct, entropy, recursive (c,l)) and
t-closeness (equal, hierarchical and ordered distance) on a sensitive attribute, where a missing
sensitive value is a category of its own.

All of them are monotone under generalization (a union of passing classes passes). Under
suppression only k-anonymity and distinct l-diversity stay monotone: a passing class merged with a
failing one can fail entropy l-diversity or t-closeness, so more rows may fail at a coarser node.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from anonymization_pipeline.core.errors import PrivacyTargetNotMet
from anonymization_pipeline.core.operators.generalization import number_text
from anonymization_pipeline.core.policy.model import Privacy
from anonymization_pipeline.core.privacy.classes import EquivalenceClasses, SensitivePairs
from anonymization_pipeline.core.privacy.encoding import SensitiveAttribute
from anonymization_pipeline.core.privacy.grouping import group_keys


class Criterion(ABC):
    """A privacy model evaluated class by class."""

    monotone_with_suppression: bool = False

    @abstractmethod
    def failing(self, classes: EquivalenceClasses) -> np.ndarray:
        """Boolean mask over the classes: True where the class does not satisfy this model."""

    @abstractmethod
    def achieved(self, classes: EquivalenceClasses, kept: np.ndarray) -> tuple[str, float]:
        """The name and the value this model reaches over the kept classes (for the report)."""

    @abstractmethod
    def describe(self) -> str:
        """A short human description, e.g. `k=5`."""

    def relaxed(self) -> Criterion | None:
        """A weaker criterion (every class passing this one passes it too) that stays monotone
        under suppression, so the search can prune with it; None when there is none."""
        return self if self.monotone_with_suppression else None


@dataclass(frozen=True)
class KAnonymity(Criterion):
    """Every class has at least k rows.

    >>> KAnonymity(2).describe()
    'k=2'
    """

    k: int
    monotone_with_suppression = True

    def failing(self, classes: EquivalenceClasses) -> np.ndarray:
        return classes.sizes < self.k

    def achieved(self, classes: EquivalenceClasses, kept: np.ndarray) -> tuple[str, float]:
        return "k_achieved", int(classes.sizes[kept].min()) if kept.any() else 0

    def describe(self) -> str:
        return f"k={self.k}"


def _distinct_values(pairs: SensitivePairs, classes: int) -> np.ndarray:
    return np.bincount(pairs.cls, minlength=classes)


@dataclass(frozen=True)
class DistinctLDiversity(Criterion):
    """Every class has at least l distinct sensitive values."""

    attribute: str
    l: float
    monotone_with_suppression = True

    def failing(self, classes: EquivalenceClasses) -> np.ndarray:
        return _distinct_values(classes.pairs[self.attribute], classes.count) < self.l

    def achieved(self, classes: EquivalenceClasses, kept: np.ndarray) -> tuple[str, float]:
        distinct = _distinct_values(classes.pairs[self.attribute], classes.count)
        return "l_achieved", int(distinct[kept].min()) if kept.any() else 0

    def describe(self) -> str:
        return f"distinct {number_text(self.l)}-diversity on '{self.attribute}'"


@dataclass(frozen=True)
class EntropyLDiversity(Criterion):
    """Shannon entropy of each class's values is at least log(l), in ARX's form.

    A class fails if it has fewer than ceil(l) values or if sum(f ln f) > n (ln n - ln l).
    """

    attribute: str
    l: float

    def _entropy_sums(self, classes: EquivalenceClasses) -> np.ndarray:
        pairs = classes.pairs[self.attribute]
        counts = pairs.count.astype(float)
        return np.bincount(pairs.cls, weights=counts * np.log(counts), minlength=classes.count)

    def failing(self, classes: EquivalenceClasses) -> np.ndarray:
        sizes = classes.sizes.astype(float)
        bound = sizes * (np.log(sizes) - math.log(self.l))
        few = _distinct_values(classes.pairs[self.attribute], classes.count) < math.ceil(self.l)
        return few | (self._entropy_sums(classes) > bound)

    def achieved(self, classes: EquivalenceClasses, kept: np.ndarray) -> tuple[str, float]:
        if not kept.any():
            return "l_achieved", 0.0
        sizes = classes.sizes[kept].astype(float)
        entropy = np.log(sizes) - self._entropy_sums(classes)[kept] / sizes
        return "l_achieved", float(np.exp(entropy.min()))

    def describe(self) -> str:
        return f"entropy {number_text(self.l)}-diversity on '{self.attribute}'"

    def relaxed(self) -> Criterion:
        return DistinctLDiversity(self.attribute, math.ceil(self.l))


@dataclass(frozen=True)
class RecursiveCLDiversity(Criterion):
    """Recursive (c,l)-diversity: r1 < c (r_l + ... + r_m), counts sorted in descending order."""

    attribute: str
    c: float
    l: int

    def failing(self, classes: EquivalenceClasses) -> np.ndarray:
        pairs = classes.pairs[self.attribute]
        distinct = _distinct_values(pairs, classes.count)
        order = np.lexsort((-pairs.count, pairs.cls))
        cls, count = pairs.cls[order], pairs.count[order]
        starts = np.concatenate([[0], np.cumsum(distinct)[:-1]])
        rank = np.arange(len(cls)) - starts[cls]
        head = np.bincount(cls, weights=count * (rank < self.l - 1), minlength=classes.count)
        largest = np.zeros(classes.count)
        largest[cls[rank == 0]] = count[rank == 0]
        tail = classes.sizes - head
        return (distinct < self.l) | ~(largest < self.c * tail)

    def achieved(self, classes: EquivalenceClasses, kept: np.ndarray) -> tuple[str, float]:
        distinct = _distinct_values(classes.pairs[self.attribute], classes.count)
        return "l_achieved", int(distinct[kept].min()) if kept.any() else 0

    def describe(self) -> str:
        return f"recursive ({number_text(self.c)},{self.l})-diversity on '{self.attribute}'"

    def relaxed(self) -> Criterion:
        return DistinctLDiversity(self.attribute, self.l)


class TCloseness(Criterion):
    """A class's distribution of the sensitive attribute is within t of the whole table's."""

    attribute: str
    t: float
    name: str

    def __init__(self, attribute: SensitiveAttribute, t: float):
        self.attribute = attribute.name
        self.t = t
        self.global_shares = attribute.distribution / attribute.distribution.sum()

    @abstractmethod
    def distances(self, classes: EquivalenceClasses) -> np.ndarray:
        """The earth mover's distance of each class."""

    def failing(self, classes: EquivalenceClasses) -> np.ndarray:
        return self.distances(classes) > self.t

    def achieved(self, classes: EquivalenceClasses, kept: np.ndarray) -> tuple[str, float]:
        return "t_achieved", float(self.distances(classes)[kept].max()) if kept.any() else 0.0

    def describe(self) -> str:
        return f"{number_text(self.t)}-closeness ({self.name} distance) on '{self.attribute}'"

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
    two of its values is summed in closed form against the table's cumulative shares.
    """

    name = "ordered"

    def __init__(self, attribute: SensitiveAttribute, t: float):
        super().__init__(attribute, t)
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

    def __init__(self, attribute: SensitiveAttribute, t: float):
        super().__init__(attribute, t)
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
            groups = group_keys(cls * len(self.level_shares[level]) + parent, classes.count * len(self.level_shares[level]))
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



def build_criteria(privacy: Privacy, sensitive: dict[str, SensitiveAttribute]) -> list[Criterion]:
    """The criteria a policy's `privacy:` section asks for, in the order k, l, t.

    Raises PrivacyTargetNotMet when l asks for more distinct values than the attribute has.

    >>> [c.describe() for c in build_criteria(Privacy(k=5), {})]
    ['k=5']
    """
    criteria: list[Criterion] = []
    if privacy.k is not None:
        criteria.append(KAnonymity(privacy.k))
    diversity = privacy.l_diversity
    if diversity is not None:
        needed = math.ceil(diversity.l)
        available = sensitive[diversity.attribute].width
        if needed > available:
            raise PrivacyTargetNotMet(
                f"l-diversity needs {needed} distinct values of '{diversity.attribute}' in every class, "
                f"but the whole table has only {available}; lower l"
            )
        if diversity.variant == "distinct":
            criteria.append(DistinctLDiversity(diversity.attribute, diversity.l))
        elif diversity.variant == "entropy":
            criteria.append(EntropyLDiversity(diversity.attribute, diversity.l))
        else:
            criteria.append(RecursiveCLDiversity(diversity.attribute, diversity.c, int(diversity.l)))
    closeness = privacy.t_closeness
    if closeness is not None:
        kind = {"equal": EqualDistanceTCloseness, "ordered": OrderedDistanceTCloseness, "hierarchical": HierarchicalDistanceTCloseness}
        criteria.append(kind[closeness.distance](sensitive[closeness.attribute], closeness.t))
    return criteria
