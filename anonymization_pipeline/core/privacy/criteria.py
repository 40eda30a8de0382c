"""The privacy criteria, one class each, and the registry the search, the assessment and the
Great Expectations suite all build them from.

A criterion says which classes fail it (the search's per-class verdict, with the monotonicity
facts it prunes on), what value it reaches (the report) and how a miss reads (the gate). It works
on the class-count structure of `classes.py`, so the same object judges a lattice node and a
published frame. Definitions follow ARX 3.9: k-anonymity; l-diversity (distinct, entropy,
recursive (c,l)) and t-closeness (equal, hierarchical and ordered distance) in `closeness.py`;
β-likeness and δ-disclosure privacy in `likeness.py`. A missing sensitive value is a category
of its own. Adding a criterion: a class here (or in a module of its own) registered under its
policy section with `@criterion`, and the section's model in the policy.

Monotone under generalization means a union of passing classes passes; monotone under
suppression means a coarser node never has more failing rows.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from anonymization_pipeline.core.errors import PrivacyTargetNotMet
from anonymization_pipeline.core.operators.generalization import number_text
from anonymization_pipeline.core.policy.model import Privacy
from anonymization_pipeline.core.privacy.classes import EquivalenceClasses
from anonymization_pipeline.core.privacy.encoding import SensitiveAttribute
from anonymization_pipeline.core.privacy.grouping import SensitivePairs


class Criterion(ABC):
    """A privacy model evaluated class by class."""

    section: ClassVar[str]
    """The policy's `privacy:` key it comes from; also the name of its asset check."""
    achieved_key: ClassVar[str]
    """The report key of the value it reaches, e.g. `k_achieved`."""
    monotone_with_generalization: ClassVar[bool] = True
    monotone_with_suppression: ClassVar[bool] = False
    attribute: str | None
    """The sensitive attribute it measures (None for k-anonymity)."""

    @abstractmethod
    def failing(self, classes: EquivalenceClasses) -> np.ndarray:
        """Boolean mask over the classes: True where the class does not satisfy this model."""

    @abstractmethod
    def achieved(self, classes: EquivalenceClasses, kept: np.ndarray) -> float:
        """The value this model reaches over the kept classes (for the report)."""

    @abstractmethod
    def describe(self) -> str:
        """A short human description, e.g. `k=5`."""

    @abstractmethod
    def unmet(self, achieved: float) -> str:
        """One line saying what was reached and what the policy asks (figures only)."""

    def relaxed(self) -> Criterion | None:
        """A weaker criterion (every class passing this one passes it too) that stays monotone
        under suppression and generalization, so the search can prune with it; None when there is none."""
        return self if self.monotone_with_suppression and self.monotone_with_generalization else None

    def for_kept(self, classes: EquivalenceClasses, kept: np.ndarray) -> Criterion:
        """This criterion as it judges the classes that are kept (published); itself unless its
        reference is the published rows."""
        return self


Factory = Callable[[Any, dict[str, SensitiveAttribute]], Criterion]
REGISTRY: dict[str, Factory] = {}


def criterion(section: str) -> Callable[[Factory], Factory]:
    """Register the factory that builds a criterion from its policy section (and the attributes)."""

    def register(factory: Factory) -> Factory:
        REGISTRY[section] = factory
        return factory

    return register


def build_criteria(privacy: Privacy, sensitive: dict[str, SensitiveAttribute]) -> list[Criterion]:
    """The criteria a policy's `privacy:` section asks for, in registry order (k, l, t, β, δ).

    `sensitive` holds the reference of every attribute a section names. Raises
    PrivacyTargetNotMet when a criterion can never hold on this input (l above the distinct values).

    >>> [c.describe() for c in build_criteria(Privacy(k=5), {})]
    ['k=5']
    """
    return [factory(getattr(privacy, section), sensitive) for section, factory in REGISTRY.items() if getattr(privacy, section) is not None]


def sensitive_names(privacy: Privacy) -> list[str]:
    """The attributes the criteria measure, each once, in section order."""
    return list(dict.fromkeys(section.attribute for section in privacy.attribute_criteria().values()))


def _extreme(values: np.ndarray, kept: np.ndarray, largest: bool, empty: float = 0.0) -> float:
    if not kept.any():
        return empty
    chosen = values[kept]
    return float(chosen.max() if largest else chosen.min())


@dataclass(frozen=True)
class KAnonymity(Criterion):
    """Every class has at least k rows.

    >>> KAnonymity(2).describe()
    'k=2'
    """

    k: int
    attribute: ClassVar[None] = None
    section = "k"
    achieved_key = "k_achieved"
    monotone_with_suppression = True

    def failing(self, classes: EquivalenceClasses) -> np.ndarray:
        return classes.sizes < self.k

    def achieved(self, classes: EquivalenceClasses, kept: np.ndarray) -> float:
        return int(_extreme(classes.sizes, kept, largest=False))

    def describe(self) -> str:
        return f"k={self.k}"

    def unmet(self, achieved: float) -> str:
        return f"k-anonymity: the smallest class has {achieved} records; the policy requires k = {self.k}"


@criterion("k")
def _k(k: int, sensitive: dict[str, SensitiveAttribute]) -> Criterion:
    return KAnonymity(k)


def distinct_values(pairs: SensitivePairs, classes: int) -> np.ndarray:
    """Number of distinct sensitive values in each class."""
    return np.bincount(pairs.cls, minlength=classes)


class LDiversity(Criterion):
    """Each class is l-diverse in `attribute`; `per_class` is the l each class reaches."""

    section = "l_diversity"
    achieved_key = "l_achieved"
    variant: ClassVar[str]
    attribute: str
    l: float

    @abstractmethod
    def per_class(self, classes: EquivalenceClasses) -> np.ndarray:
        """The largest l each class satisfies."""

    def failing(self, classes: EquivalenceClasses) -> np.ndarray:
        return self.per_class(classes) < self.l

    def achieved(self, classes: EquivalenceClasses, kept: np.ndarray) -> float:
        return _extreme(self.per_class(classes), kept, largest=False)

    def describe(self) -> str:
        return f"{self.variant} {number_text(self.l)}-diversity on '{self.attribute}'"

    def unmet(self, achieved: float) -> str:
        return f"{self.variant} l-diversity on '{self.attribute}': achieved l = {achieved:.4g}; the policy requires l = {self.l:g}"


@dataclass(frozen=True)
class DistinctLDiversity(LDiversity):
    """Every class has at least l distinct sensitive values."""

    attribute: str
    l: float

    variant = "distinct"
    monotone_with_suppression = True

    def per_class(self, classes: EquivalenceClasses) -> np.ndarray:
        return distinct_values(classes.pairs[self.attribute], classes.count)

    def achieved(self, classes: EquivalenceClasses, kept: np.ndarray) -> float:
        return int(super().achieved(classes, kept))


@dataclass(frozen=True)
class EntropyLDiversity(LDiversity):
    """Shannon entropy of each class's values is at least log(l), in ARX's form: a class fails if
    it has fewer than ceil(l) values or if sum(f ln f) > n (ln n - ln l). Reaches exp(entropy)."""

    attribute: str
    l: float

    variant = "entropy"

    def _entropy_sums(self, classes: EquivalenceClasses) -> np.ndarray:
        pairs = classes.pairs[self.attribute]
        counts = pairs.count.astype(float)
        return np.bincount(pairs.cls, weights=counts * np.log(counts), minlength=classes.count)

    def failing(self, classes: EquivalenceClasses) -> np.ndarray:
        sizes = classes.sizes.astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            bound = sizes * (np.log(sizes) - math.log(self.l))
        few = distinct_values(classes.pairs[self.attribute], classes.count) < math.ceil(self.l)
        return few | (self._entropy_sums(classes) > bound)

    def per_class(self, classes: EquivalenceClasses) -> np.ndarray:
        sizes = np.maximum(classes.sizes, 1).astype(float)
        return np.exp(np.log(sizes) - self._entropy_sums(classes) / sizes)

    def relaxed(self) -> Criterion:
        return DistinctLDiversity(self.attribute, math.ceil(self.l))


@dataclass(frozen=True)
class RecursiveCLDiversity(LDiversity):
    """Recursive (c,l)-diversity: r1 < c (r_l + ... + r_m), counts sorted in descending order.
    A class reaches the largest l for which this holds."""

    attribute: str
    c: float
    l: int
    variant = "recursive"

    def per_class(self, classes: EquivalenceClasses) -> np.ndarray:
        pairs = classes.pairs[self.attribute]
        distinct = distinct_values(pairs, classes.count)
        order = np.lexsort((-pairs.count, pairs.cls))
        cls, count = pairs.cls[order], pairs.count[order]
        starts = np.concatenate([[0], np.cumsum(distinct)[:-1]])
        before = np.cumsum(count) - count - np.cumsum(count)[starts[cls]] + count[starts[cls]]
        largest = count[starts[cls]]
        satisfied = largest < self.c * (classes.sizes[cls] - before)
        return np.bincount(cls, weights=satisfied, minlength=classes.count).astype(np.int64)

    def describe(self) -> str:
        return f"recursive ({number_text(self.c)},{number_text(self.l)})-diversity on '{self.attribute}'"

    def relaxed(self) -> Criterion:
        return DistinctLDiversity(self.attribute, self.l)

    def achieved(self, classes: EquivalenceClasses, kept: np.ndarray) -> float:
        return int(super().achieved(classes, kept))


@criterion("l_diversity")
def _l(section: Any, sensitive: dict[str, SensitiveAttribute]) -> Criterion:
    needed, available = math.ceil(section.l), sensitive[section.attribute].width
    if needed > available:
        raise PrivacyTargetNotMet(
            f"l-diversity needs {needed} distinct values of '{section.attribute}' in every class, "
            f"but the whole table has only {available}; lower l"
        )
    if section.variant == "distinct":
        return DistinctLDiversity(section.attribute, section.l)
    if section.variant == "entropy":
        return EntropyLDiversity(section.attribute, section.l)
    return RecursiveCLDiversity(section.attribute, section.c, int(section.l))


# The distribution criteria register themselves on import.
from anonymization_pipeline.core.privacy import closeness, likeness  # noqa: E402, F401
