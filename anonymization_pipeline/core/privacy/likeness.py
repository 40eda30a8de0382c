"""Criteria on each value's gain in a class over its share in the input, as ARX defines them:
β-likeness (basic and enhanced; Cao & Karras, "Publishing Microdata with a Robust Privacy
Guarantee", VLDB 2012) and δ-disclosure privacy (Brickell & Shmatikov, KDD 2008).

Only the values present in a class count. Both β variants are monotone under generalization (a
mixture of classes within a bound per value stays within it); δ-disclosure is not (a value
absent from one part dilutes below its lower bound), so the search never prunes on it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from anonymization_pipeline.core.operators.generalization import number_text
from anonymization_pipeline.core.privacy.classes import EquivalenceClasses
from anonymization_pipeline.core.privacy.criteria import Criterion, criterion
from anonymization_pipeline.core.privacy.encoding import SensitiveAttribute


class _ShareCriterion(Criterion):
    def __init__(self, attribute: SensitiveAttribute, bound: float):
        self.attribute = attribute.name
        self.bound = bound
        self.reference = attribute.distribution / max(attribute.distribution.sum(), 1)

    def _pairs(self, classes: EquivalenceClasses) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Class, share in the class and share in the input of every present (class, value)."""
        pairs = classes.pairs[self.attribute]
        return pairs.cls, pairs.count / classes.sizes[pairs.cls], self.reference[pairs.value]

    def _worst(self, classes: EquivalenceClasses, per_pair: np.ndarray, cls: np.ndarray) -> np.ndarray:
        worst = np.full(classes.count, -np.inf)
        np.maximum.at(worst, cls, per_pair)
        return worst

    def achieved(self, classes: EquivalenceClasses, kept: np.ndarray) -> float:
        worst = self.per_class(classes)[kept]
        return float(worst.max()) if len(worst) else 0.0


class BetaLikeness(_ShareCriterion):
    """Basic: (p - q) / q <= β for every value in a class (p its share there, q in the input);
    enhanced: <= min(β, -ln q). Reaches the largest relative gain."""

    section = "beta_likeness"
    achieved_key = "beta_achieved"

    def __init__(self, attribute: SensitiveAttribute, beta: float, enhanced: bool):
        super().__init__(attribute, beta)
        self.enhanced = enhanced

    def per_class(self, classes: EquivalenceClasses) -> np.ndarray:
        cls, p, q = self._pairs(classes)
        return self._worst(classes, (p - q) / q, cls)

    def failing(self, classes: EquivalenceClasses) -> np.ndarray:
        cls, p, q = self._pairs(classes)
        limit = np.minimum(self.bound, -np.log(q)) if self.enhanced else self.bound
        return np.bincount(cls, weights=(p - q) / q > limit, minlength=classes.count) > 0

    def describe(self) -> str:
        return f"{'enhanced' if self.enhanced else 'basic'} {number_text(self.bound)}-likeness on '{self.attribute}'"

    def unmet(self, achieved: float) -> str:
        return f"{self.describe()}: the largest relative gain of a value is {achieved:.4g}; the policy allows β = {self.bound:g}"


class DeltaDisclosure(_ShareCriterion):
    """|log2(p / q)| < δ for every value present in a class. Reaches the largest |log2(p / q)|."""

    section = "delta_disclosure"
    achieved_key = "delta_achieved"
    monotone_with_generalization = False

    def per_class(self, classes: EquivalenceClasses) -> np.ndarray:
        cls, p, q = self._pairs(classes)
        return self._worst(classes, np.abs(np.log2(p / q)), cls)

    def failing(self, classes: EquivalenceClasses) -> np.ndarray:
        return self.per_class(classes) >= self.bound

    def describe(self) -> str:
        return f"{number_text(self.bound)}-disclosure privacy on '{self.attribute}'"

    def unmet(self, achieved: float) -> str:
        return f"δ-disclosure privacy on '{self.attribute}': achieved δ = {achieved:.4g}; the policy requires less than δ = {self.bound:g}"


@criterion("beta_likeness")
def _beta(section: Any, sensitive: dict[str, SensitiveAttribute]) -> Criterion:
    return BetaLikeness(sensitive[section.attribute], section.beta, section.variant == "enhanced")


@criterion("delta_disclosure")
def _delta(section: Any, sensitive: dict[str, SensitiveAttribute]) -> Criterion:
    return DeltaDisclosure(sensitive[section.attribute], section.delta)
