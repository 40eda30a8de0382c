"""Journalist and marketer models against a population table (e.g. a census extract).

The journalist attacker picks a person from the population and looks for them in the published
sample: a published class of size f that matches F population records is re-identified with
probability 1/F. The marketer links everyone and succeeds on sum(f/F)/n records on average.
Figures as ARX's RiskModelSampleSummary (El Emam's definitions); F is at least f, since the
published people are part of the population.
"""

from __future__ import annotations

import numpy as np

from anonymization_pipeline.core.risk.matching import ClassMatches


def population_class_sizes(matches: ClassMatches, sizes: np.ndarray) -> np.ndarray:
    """F for each published class: population records it matches, never fewer than the class itself.

    >>> population_class_sizes(ClassMatches(np.array([0, 1, 2]), np.array([0, 0, 1])), np.array([1, 3])).tolist()
    [2, 3]
    """
    counts = np.bincount(matches.klass, minlength=len(sizes))
    return np.maximum(counts, sizes)


def journalist_risk(sizes: np.ndarray, population_sizes: np.ndarray, threshold: float) -> dict:
    """Highest, average and at-risk figures of the journalist model, and the marketer's success rate.

    >>> journalist_risk(np.array([1, 2]), np.array([4, 2]), 0.2)["highest_risk"]
    0.5
    """
    rows = int(sizes.sum())
    if rows == 0:
        return {"highest_risk": 0.0, "average_risk": 0.0, "records_at_risk": 0.0, "marketer_success_rate": 0.0}
    marketer = float(np.sum(sizes / population_sizes) / rows)
    return {
        "highest_risk": float(1.0 / population_sizes.min()),
        "average_risk": max(float(len(sizes) / population_sizes.sum()), marketer),
        "records_at_risk": float(sizes[1.0 / population_sizes > threshold].sum() / rows),
        "marketer_success_rate": marketer,
        "population_records_matched": int(population_sizes.sum()),
    }
