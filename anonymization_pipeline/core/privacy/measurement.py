"""The privacy criteria measured on a published frame: what the assessment reports, the gate
judges and the Great Expectations suite checks, all from one regrouping of the frame.

The reference distribution of each sensitive attribute is the input's (its published values over
every input row, suppressed ones included), as in the search, so a transformation the search
accepts is accepted here and the values reached agree; without the input, the published rows
themselves are the reference.

Only sensitive columns a criterion could measure are measured: those whose method keeps values
comparable between rows (`MEASURABLE_METHODS`). An encrypted, perturbed or date-shifted value is
made per row, so its diversity describes the noise, not the people; leaving it out also keeps the
Spark engine's class histogram bounded by classes × measured values instead of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import BaseModel

from anonymization_pipeline.core.errors import InputDataError, PrivacyTargetNotMet
from anonymization_pipeline.core.policy.model import MEASURABLE_METHODS, FieldClass, Policy
from anonymization_pipeline.core.privacy.classes import PublishedClasses, published_classes
from anonymization_pipeline.core.privacy.criteria import Criterion, build_criteria
from anonymization_pipeline.core.privacy.encoding import SensitiveAttribute, sensitive_attribute
from anonymization_pipeline.core.privacy.engine import build_hierarchies
from anonymization_pipeline.core.privacy.hierarchies import Hierarchy
from anonymization_pipeline.core.privacy.measured import measured_values


class CriterionResult(BaseModel):
    """One criterion on the published classes: its verdict, the value reached, what fails (counts)."""

    criterion: str
    description: str
    attribute: str | None
    achieved_key: str
    achieved: int | float
    passed: bool
    classes: int
    classes_failing: int
    rows_failing: int
    unmet: str | None


@dataclass(frozen=True)
class Measurement:
    """A published frame regrouped once, with the policy's criteria and the attributes' references."""

    classes: PublishedClasses
    attributes: dict[str, SensitiveAttribute]
    criteria: list[Criterion]
    problems: list[str]

    def results(self) -> list[CriterionResult]:
        """Each criterion judged on every published class (suppressed rows are not in a class)."""
        classes = self.classes.classes
        kept = np.ones(classes.count, dtype=bool)
        results = []
        for criterion in self.criteria:
            judged = criterion.for_kept(classes, kept)
            failing = judged.failing(classes)
            achieved = judged.achieved(classes, kept)
            results.append(
                CriterionResult(
                    criterion=criterion.section,
                    description=criterion.describe(),
                    attribute=criterion.attribute,
                    achieved_key=criterion.achieved_key,
                    achieved=achieved,
                    passed=not failing.any(),
                    classes=classes.count,
                    classes_failing=int(failing.sum()),
                    rows_failing=int(classes.sizes[failing].sum()),
                    unmet=None if not failing.any() else criterion.unmet(achieved),
                )
            )
        return results


def measured_sensitive(policy: Policy, columns: list[str]) -> list[str]:
    """The sensitive columns among `columns` whose values are measured (l, t, β, δ).

    >>> measured_sensitive(policy, ["age", "diagnosis", "salary"])  # doctest: +SKIP
    ['diagnosis']
    """
    present = set(columns)
    return [
        name
        for name in policy.fields_of(FieldClass.SENSITIVE)
        if name in present and policy.fields[name].effective_method in MEASURABLE_METHODS
    ]


def measure_published(
    frame: pd.DataFrame, policy: Policy, reference: pd.DataFrame | None = None, weights: np.ndarray | None = None
) -> Measurement:
    """Regroup `frame` on the quasi-identifiers and build the criteria over the sensitive columns it
    publishes, each against `reference` (the raw input) or, without it, against `frame`. With
    `weights`, `frame` is a histogram of distinct published rows, each standing for that many.

    >>> measure_published(published, policy, raw).results()[0].passed  # doctest: +SKIP
    True
    """
    columns = policy.quasi_identifiers
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise InputDataError(f"the output has no quasi-identifier column {missing[0]!r}")
    names = measured_sensitive(policy, list(frame.columns))
    if reference is not None:
        reference = measured_values(reference, policy, [name for name in names if name in reference.columns])
    sources = {name: reference[name] if reference is not None and name in reference.columns else frame[name] for name in names}
    hierarchies = build_hierarchies(policy, pd.DataFrame(sources), names)
    own_weights = None if reference is not None else weights
    attributes = {name: _attribute(sources[name], name, hierarchies.get(name), policy, own_weights) for name in names}
    return measurement_of(published_classes(frame, columns, attributes, weights), attributes, policy)


def weighted_attributes(policy: Policy, value_counts: dict[str, tuple[pd.Series, np.ndarray]]) -> dict[str, SensitiveAttribute]:
    """Each measured column's reference from its distinct values and how many rows hold each (a
    distributed group-by's value counts), as `measure_published` makes it from rows."""
    return {
        name: _attribute(values, name, build_hierarchies(policy, values.to_frame(name), [name]).get(name), policy, counts)
        for name, (values, counts) in value_counts.items()
    }


def measurement_of(classes: PublishedClasses, attributes: dict[str, SensitiveAttribute], policy: Policy) -> Measurement:
    """The policy's criteria over `classes`, each against its attribute's reference; a criterion
    that names a column the output lacks, or can never hold, is a problem instead."""
    criteria, problems = [], []
    if policy.privacy is not None:
        absent = [s.attribute for s in policy.privacy.attribute_criteria().values() if s.attribute not in attributes]
        problems = [f"the sensitive column '{name}' a criterion measures is not in the output" for name in dict.fromkeys(absent)]
        if not problems:
            try:
                criteria = build_criteria(policy.privacy, attributes)
            except PrivacyTargetNotMet as error:
                problems.append(str(error))
    return Measurement(classes, attributes, criteria, problems)


def _attribute(
    series: pd.Series, name: str, hierarchy: Hierarchy | None, policy: Policy, weights: np.ndarray | None = None
) -> SensitiveAttribute:
    """The attribute's reference; a hierarchy that misses some of its values is only an error where
    hierarchical t-closeness needs it (elsewhere it only feeds a figure of the report)."""
    try:
        return sensitive_attribute(series, name, hierarchy, weights)
    except InputDataError:
        closeness = policy.privacy.t_closeness if policy.privacy else None
        if closeness is not None and closeness.attribute == name and closeness.distance == "hierarchical":
            raise
        return sensitive_attribute(series, name, None, weights)
