"""The risk_assessment stage: may this table be published? Every target must hold.

Targets: the criteria of `policy.privacy` (k, l, t, β, δ: measured on the candidate output by the
same criterion objects as the search, `core.privacy.measurement`) and the thresholds of
`policy.risk` on the prosecutor model. The risk models read the class sizes of the same
regrouping. The summary holds figures only, never a value of the data, so it can go into reports
and metadata as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.io import describe_location, read_table
from anonymization_pipeline.core.policy.model import Location, Policy, Risk
from anonymization_pipeline.core.privacy.classes import PublishedClasses
from anonymization_pipeline.core.privacy.closeness import DISTANCES
from anonymization_pipeline.core.privacy.criteria import DistinctLDiversity, EntropyLDiversity, RecursiveCLDiversity
from anonymization_pipeline.core.privacy.engine import build_hierarchies
from anonymization_pipeline.core.privacy.measurement import CriterionResult, Measurement, measure_published
from anonymization_pipeline.core.risk.journalist import journalist_risk, population_class_sizes
from anonymization_pipeline.core.risk.matching import class_values, hierarchy_tables, match_by_containment
from anonymization_pipeline.core.risk.prosecutor import prosecutor_risk, records_by_risk_band, size_distribution
from anonymization_pipeline.core.risk.uniqueness import population_uniqueness

TOLERANCE = 1e-12
DIGITS = 12  # figures of the sensitive table are rounded so that float noise (4.999999999999998) does not show


@dataclass(frozen=True)
class RiskAssessment:
    """Whether every target holds, one line per unmet target, JSON-safe figures, and the measurement
    (classes and criteria) the Great Expectations suite checks again."""

    passed: bool
    failures: list[str] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    measurement: Measurement | None = None
    criteria: list[CriterionResult] = field(default_factory=list)


def _sensitive_figures(measurement: Measurement, policy: Policy) -> dict[str, dict]:
    """l reached (each variant) and t reached (each distance) for every measured sensitive column published
    by the registry's criteria against each column's reference."""
    classes = measurement.classes.classes
    kept = np.ones(classes.count, dtype=bool)
    target_l = policy.privacy.l_diversity if policy.privacy else None
    figures = {}
    for name, attribute in measurement.attributes.items():
        c = target_l.c if target_l is not None and target_l.attribute == name else None
        distances = {kind: DISTANCES[kind](attribute, 1.0) for kind in DISTANCES if kind != "hierarchical" or attribute.hierarchy is not None}
        figures[name] = {
            "l_distinct": DistinctLDiversity(name, 1).achieved(classes, kept),
            "l_entropy": round(EntropyLDiversity(name, 1.0).achieved(classes, kept), DIGITS),
            "recursive_c": c,
            "l_recursive": RecursiveCLDiversity(name, c, 1).achieved(classes, kept) if c is not None else None,
            **{f"t_{kind}": round(distances[kind].achieved(classes, kept), DIGITS) if kind in distances else None for kind in DISTANCES},
        }
    return figures


def _read_population(population: Location, columns: list[str]) -> pd.DataFrame:
    table = read_table(population)
    missing = [name for name in columns if name not in table.columns]
    if missing:
        raise InputDataError(f"the population table {describe_location(population)} lacks columns {', '.join(missing)}")
    return table[columns]


def _journalist(frame: pd.DataFrame, classes: PublishedClasses, policy: Policy) -> dict | None:
    population = policy.risk.population
    if population is None:
        return None
    columns = policy.quasi_identifiers
    table = _read_population(population, columns)
    values = class_values(frame, classes, columns)
    matches = match_by_containment(values, table, columns, hierarchy_tables(build_hierarchies(policy, table), table))
    figures = journalist_risk(classes.sizes, population_class_sizes(matches, classes.sizes), policy.risk.record_risk_threshold)
    figures["population_rows"] = len(table)
    return figures


THRESHOLD_SETTINGS = {"highest_risk": "max_prosecutor_risk", "average_risk": "max_average_risk", "records_at_risk": "max_records_at_risk"}
"""Each prosecutor figure a risk threshold bounds, and the `risk:` setting that bounds it."""


def threshold_verdicts(prosecutor: Mapping[str, float], risk: Risk) -> dict[str, bool]:
    """Whether each prosecutor figure a risk threshold bounds is within its limit: judged here
    once, for the gate, the checks and the report."""
    return {figure: bool(prosecutor[figure] <= getattr(risk, setting) + TOLERANCE) for figure, setting in THRESHOLD_SETTINGS.items()}


def _failures(summary: dict, policy: Policy, measurement: Measurement, criteria: list[CriterionResult]) -> list[str]:
    """One line per unmet target; figures only."""
    failures = list(measurement.problems) + [result.unmet for result in criteria if result.unmet]
    risk, prosecutor, met = policy.risk, summary["prosecutor"], summary["threshold_verdicts"]
    labels = {
        "highest_risk": "highest prosecutor risk",
        "average_risk": "average prosecutor risk",
        "records_at_risk": f"records at risk above {risk.record_risk_threshold:g}",
    }
    for figure, setting in THRESHOLD_SETTINGS.items():
        if not met[figure]:
            failures.append(f"{labels[figure]} is {prosecutor[figure]:.4g}; the policy allows {getattr(risk, setting):g}")
    return failures


def assess_risk(
    frame: pd.DataFrame,
    policy: Policy,
    privacy_summary: dict | None = None,
    reference: pd.DataFrame | None = None,
    weights: np.ndarray | None = None,
) -> RiskAssessment:
    """Measure the candidate output against the policy's privacy and risk targets.

    `frame` has the quasi-identifiers generalized (suppressed cells `*`). `reference` is the raw
    input the sensitive distributions are measured against (default: `frame` itself).
    `privacy_summary` is the privacy stage's summary; its figures are carried into the result.
    With `weights`, `frame` is a histogram of distinct published rows (quasi-identifiers and
    sensitive columns) and each row stands for that many records, as the Spark engine counts them.

    >>> from anonymization_pipeline.core.policy import validate_policy
    >>> policy = validate_policy({"version": 1, "dataset": {"name": "d", "input": {"format": "csv", "path": "/in.csv"},
    ...     "output": {"format": "csv", "path": "/out.csv"}}, "fields": {"age": {"class": "quasi_identifier",
    ...     "hierarchy": {"intervals": [0, 50, 100]}}}, "privacy": {"k": 2}})
    >>> assess_risk(pd.DataFrame({"age": ["[0-50)", "[0-50)", "[50-100)"]}), policy).failures[0]
    'k-anonymity: the smallest class has 1 records; the policy requires k = 2'
    """
    measurement = measure_published(frame, policy, reference, weights)
    rows = len(frame) if weights is None else int(weights.sum())
    return judge_measurement(measurement, policy, rows, frame, privacy_summary)


def judge_measurement(
    measurement: Measurement, policy: Policy, rows: int, frame: pd.DataFrame, privacy_summary: dict | None = None
) -> RiskAssessment:
    """The figures and verdicts of `assess_risk` from a measurement already made: by
    `measure_published` on a frame, or by the Spark engine chunk by chunk of classes. `rows` counts
    every published record (suppressed ones too); `frame` is where `measurement.classes.row_class`
    points, read only to match the classes against a population table."""
    classes = measurement.classes
    criteria = measurement.results()
    columns = policy.quasi_identifiers
    sizes = classes.sizes
    risk = policy.risk
    prosecutor_risk_figures = prosecutor_risk(sizes, risk.record_risk_threshold)
    summary = {
        "quasi_identifiers": list(columns),
        "rows": rows,
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
        "sensitive": _sensitive_figures(measurement, policy),
        "criteria": [result.model_dump() for result in criteria],
        "prosecutor": prosecutor_risk_figures,
        "journalist": _journalist(frame, classes, policy),
        "population_uniqueness": population_uniqueness(sizes, risk.sampling_fraction),
        "thresholds": {
            "max_prosecutor_risk": risk.max_prosecutor_risk,
            "max_average_risk": risk.max_average_risk,
            "max_records_at_risk": risk.max_records_at_risk,
            "record_risk_threshold": risk.record_risk_threshold,
        },
        "threshold_verdicts": threshold_verdicts(prosecutor_risk_figures, risk),
        "targets": policy.privacy.model_dump(mode="json", include={"k", *policy.privacy.attribute_criteria()}) if policy.privacy else {},
    }
    summary["marketer_success_rate"] = (
        summary["journalist"]["marketer_success_rate"] if summary["journalist"] else summary["prosecutor"]["average_risk"]
    )
    if privacy_summary is not None:
        summary["privacy"] = {key: privacy_summary[key] for key in ("transformation", "suppressed_rows", "k_achieved") if key in privacy_summary}
    failures = _failures(summary, policy, measurement, criteria)
    summary["passed"] = not failures
    return RiskAssessment(passed=not failures, failures=failures, summary=summary, measurement=measurement, criteria=criteria)
