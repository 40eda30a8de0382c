"""The risk_assessment stage: may this table be published? Every target must hold.

Targets: k, l and t from `policy.privacy` (re-measured on the candidate output, independently of
the search that produced it) and the thresholds of `policy.risk` on the prosecutor model.
The summary holds figures only, never a value of the data, so it can go into reports and
metadata as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.io import describe_location, read_table
from anonymization_pipeline.core.policy.model import FieldClass, Location, Policy
from anonymization_pipeline.core.risk import closeness, diversity
from anonymization_pipeline.core.risk.classes import EquivalenceClasses, equivalence_classes
from anonymization_pipeline.core.risk.hierarchy_tables import column_hierarchies, hierarchy_tables
from anonymization_pipeline.core.risk.journalist import journalist_risk, population_class_sizes
from anonymization_pipeline.core.risk.matching import class_values, match_by_containment
from anonymization_pipeline.core.risk.prosecutor import prosecutor_risk, records_by_risk_band, size_distribution
from anonymization_pipeline.core.risk.uniqueness import population_uniqueness

TOLERANCE = 1e-12
DIGITS = 12  # entropy and distances are rounded so that float noise (4.999999999999998) does not read as a miss


@dataclass(frozen=True)
class RiskAssessment:
    """Whether every target holds, one line per unmet target, and JSON-safe figures."""

    passed: bool
    failures: list[str] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


def _sensitive_figures(classes: EquivalenceClasses, frame: pd.DataFrame, policy: Policy, weights: np.ndarray | None) -> dict[str, dict]:
    """l achieved (each variant) and t achieved (each distance) for every sensitive column published."""
    privacy = policy.privacy
    target_l = privacy.l_diversity if privacy else None
    attributes = [name for name in policy.fields_of(FieldClass.SENSITIVE) if name in frame.columns]
    trees = hierarchy_tables(column_hierarchies(policy, frame, attributes), frame)
    figures = {}
    for name in attributes:
        counts = diversity.sensitive_counts(classes.row_class, frame[name], classes.count, weights)
        c = target_l.c if target_l is not None and target_l.attribute == name else None
        tree = trees.get(name)
        figures[name] = {
            "l_distinct": int(diversity.smallest(diversity.distinct_l(counts))),
            "l_entropy": round(diversity.smallest(diversity.entropy_l(counts)), DIGITS),
            "recursive_c": c,
            "l_recursive": int(diversity.smallest(diversity.recursive_l(counts, c))) if c is not None else None,
            "t_equal": round(closeness.equal_distance(counts), DIGITS),
            "t_ordered": round(closeness.ordered_distance(counts), DIGITS),
            "t_hierarchical": (
                round(closeness.hierarchical_distance(counts, closeness.hierarchy_levels(counts.values, tree)), DIGITS)
                if tree is not None
                else None
            ),
        }
    return figures


def _read_population(population: Location, columns: list[str]) -> pd.DataFrame:
    table = read_table(population)
    missing = [name for name in columns if name not in table.columns]
    if missing:
        raise InputDataError(f"the population table {describe_location(population)} lacks columns {', '.join(missing)}")
    return table[columns]


def _journalist(frame: pd.DataFrame, classes: EquivalenceClasses, policy: Policy) -> dict | None:
    population = policy.risk.population
    if population is None:
        return None
    columns = policy.quasi_identifiers
    table = _read_population(population, columns)
    values = class_values(frame, classes, columns)
    matches = match_by_containment(values, table, columns, hierarchy_tables(column_hierarchies(policy, table, columns), table))
    figures = journalist_risk(classes.sizes, population_class_sizes(matches, classes.sizes), policy.risk.record_risk_threshold)
    figures["population_rows"] = len(table)
    return figures


def _failures(summary: dict, policy: Policy) -> list[str]:
    """One line per unmet target; figures only."""
    failures = []
    privacy = policy.privacy
    k_achieved = summary["k_achieved"]
    if privacy and privacy.k and k_achieved is not None and k_achieved < privacy.k:
        failures.append(f"k-anonymity: the smallest class has {k_achieved} records; the policy requires k = {privacy.k}")
    if privacy and privacy.l_diversity:
        target = privacy.l_diversity
        achieved = summary["sensitive"].get(target.attribute, {}).get(f"l_{target.variant}")
        if achieved is None:
            failures.append(f"l-diversity: the sensitive column '{target.attribute}' is not in the output")
        elif achieved + TOLERANCE < target.l:
            failures.append(
                f"{target.variant} l-diversity on '{target.attribute}': achieved l = {achieved:.4g}; the policy requires l = {target.l:g}"
            )
    if privacy and privacy.t_closeness:
        target = privacy.t_closeness
        achieved = summary["sensitive"].get(target.attribute, {}).get(f"t_{target.distance}")
        if achieved is None:
            failures.append(f"t-closeness: no {target.distance} distance for '{target.attribute}' (column or hierarchy missing)")
        elif achieved > target.t + TOLERANCE:
            failures.append(
                f"t-closeness ({target.distance}) on '{target.attribute}': achieved t = {achieved:.4g}; the policy allows t = {target.t:g}"
            )
    risk, prosecutor = policy.risk, summary["prosecutor"]
    checks = (
        ("highest prosecutor risk", prosecutor["highest_risk"], risk.max_prosecutor_risk),
        ("average prosecutor risk", prosecutor["average_risk"], risk.max_average_risk),
        (f"records at risk above {risk.record_risk_threshold:g}", prosecutor["records_at_risk"], risk.max_records_at_risk),
    )
    for label, achieved, limit in checks:
        if achieved > limit + TOLERANCE:
            failures.append(f"{label} is {achieved:.4g}; the policy allows {limit:g}")
    return failures


def assess_risk(
    frame: pd.DataFrame, policy: Policy, privacy_summary: dict | None = None, weights: np.ndarray | None = None
) -> RiskAssessment:
    """Measure the candidate output against the policy's privacy and risk targets.

    With `weights`, `frame` is a histogram of distinct published rows (quasi-identifiers and
    sensitive columns) and each row stands for that many records, as the Spark engine counts them.

    `frame` has the quasi-identifiers generalized (suppressed cells `*`). `privacy_summary` is the
    privacy stage's summary; its figures are carried into the result for cross-reading.

    >>> from anonymization_pipeline.core.policy import validate_policy
    >>> policy = validate_policy({"version": 1, "dataset": {"name": "d", "input": {"format": "csv", "path": "/in.csv"},
    ...     "output": {"format": "csv", "path": "/out.csv"}}, "fields": {"age": {"class": "quasi_identifier",
    ...     "hierarchy": {"intervals": [0, 50, 100]}}}, "privacy": {"k": 2}})
    >>> assess_risk(pd.DataFrame({"age": ["[0-50)", "[0-50)", "[50-100)"]}), policy).failures[0]
    'k-anonymity: the smallest class has 1 records; the policy requires k = 2'
    """
    columns = policy.quasi_identifiers
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise InputDataError(f"the output has no quasi-identifier column {missing[0]!r}")
    classes = equivalence_classes(frame, columns, weights)
    sizes = classes.sizes
    risk = policy.risk
    summary = {
        "quasi_identifiers": list(columns),
        "rows": len(frame) if weights is None else int(weights.sum()),
        "rows_assessed": classes.rows,
        "suppressed_rows": classes.suppressed_rows,
        "equivalence_classes": classes.count,
        "class_sizes": {
            "min": int(sizes.min()) if len(sizes) else 0,
            "median": float(np.median(sizes)) if len(sizes) else 0.0,
            "mean": float(sizes.mean()) if len(sizes) else 0.0,
            "max": int(sizes.max()) if len(sizes) else 0,
        },
        "class_size_distribution": size_distribution(sizes),
        "records_by_risk_band": records_by_risk_band(sizes),
        "k_achieved": int(sizes.min()) if len(sizes) else None,
        "sensitive": _sensitive_figures(classes, frame, policy, weights),
        "prosecutor": prosecutor_risk(sizes, risk.record_risk_threshold),
        "journalist": _journalist(frame, classes, policy),
        "population_uniqueness": population_uniqueness(sizes, risk.sampling_fraction),
        "thresholds": {
            "max_prosecutor_risk": risk.max_prosecutor_risk,
            "max_average_risk": risk.max_average_risk,
            "max_records_at_risk": risk.max_records_at_risk,
            "record_risk_threshold": risk.record_risk_threshold,
        },
        "targets": policy.privacy.model_dump(mode="json", include={"k", "l_diversity", "t_closeness"}) if policy.privacy else {},
    }
    summary["marketer_success_rate"] = (
        summary["journalist"]["marketer_success_rate"] if summary["journalist"] else summary["prosecutor"]["average_risk"]
    )
    if privacy_summary is not None:
        summary["privacy"] = {key: privacy_summary[key] for key in ("transformation", "suppressed_rows", "k_achieved") if key in privacy_summary}
    failures = _failures(summary, policy)
    summary["passed"] = not failures
    return RiskAssessment(passed=not failures, failures=failures, summary=summary)
