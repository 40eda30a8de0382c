"""The targets a policy sets, each with its figure beside its limit.

One list serves the Dagster checks (one check per configured target, described by its target)
and the report (each figure beside the limit it was held to). A target the policy does not set
is not listed, so nothing shows green for a criterion nobody asked for. Privacy verdicts are the
criterion registry's, as the assessment recorded them; nothing is judged twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.privacy.criteria import REGISTRY
from anonymization_pipeline.core.risk.assessment import THRESHOLD_SETTINGS


CRITERION_CHECKS = {"k": "k_anonymity"}
"""A privacy criterion's check is named after its policy section, but for k (`k_anonymity`)."""


@dataclass(frozen=True)
class Target:
    """One target: `check` names its Dagster check, `description` states it as the policy does.

    A privacy criterion's verdict and value are the criterion registry's, as the assessment
    recorded them (`risk.criteria`); a risk threshold reads its figure from the prosecutor model
    and its verdict from the assessment's `threshold_verdicts`."""

    check: str
    description: str
    limit: float
    section: str | None = None
    """The `privacy:` section of a criterion target; None for a risk threshold."""
    figure: str | None = None
    """The prosecutor figure a risk threshold bounds, e.g. `average_risk`."""

    def _criterion(self, risk_summary: Mapping[str, Any]) -> Mapping[str, Any] | None:
        results = risk_summary.get("criteria") or []
        return next((dict(r) for r in results if dict(r).get("criterion") == self.section), None)

    def achieved(self, risk_summary: Mapping[str, Any]) -> float | None:
        if self.section is not None:
            result = self._criterion(risk_summary)
            return None if result is None else result["achieved"]
        return (risk_summary.get("prosecutor") or {}).get(self.figure)

    def met(self, risk_summary: Mapping[str, Any]) -> bool:
        if self.section is not None:
            result = self._criterion(risk_summary)
            return result is not None and bool(result["passed"])
        return (risk_summary.get("threshold_verdicts") or {}).get(self.figure) is True


def _criterion_targets(policy: Policy) -> list[Target]:
    privacy = policy.privacy
    if privacy is None:
        return []
    described = {
        "k": lambda s: (f"k-anonymity: every class has ≥ {s} records", s),
        "l_diversity": lambda s: (f"{s.variant} l-diversity of {s.attribute} ≥ {s.l:g}", s.l),
        "t_closeness": lambda s: (f"t-closeness of {s.attribute} ({s.distance} distance) ≤ {s.t:g}", s.t),
        "beta_likeness": lambda s: (f"{s.variant} β-likeness of {s.attribute} ≤ {s.beta:g}", s.beta),
        "delta_disclosure": lambda s: (f"δ-disclosure privacy of {s.attribute} < {s.delta:g}", s.delta),
    }
    targets = []
    for section in REGISTRY:
        settings = getattr(privacy, section, None)
        if settings is None:
            continue
        description, limit = described[section](settings)
        targets.append(Target(CRITERION_CHECKS.get(section, section), description, float(limit), section=section))
    return targets


def policy_targets(policy: Policy) -> list[Target]:
    """Every target the policy sets, privacy criteria first (in the registry's order), then risk
    thresholds below 1.

    >>> from anonymization_pipeline.core.policy import validate_policy
    >>> policy = validate_policy({"version": 1, "dataset": {"name": "d", "input": {"format": "csv", "path": "/i.csv"},
    ...     "output": {"format": "csv", "path": "/o.csv"}}, "fields": {"age": {"class": "quasi_identifier",
    ...     "hierarchy": {"intervals": [0, 50, 100]}}}, "privacy": {"k": 5}, "risk": {"max_average_risk": 0.05}})
    >>> [target.description for target in policy_targets(policy)]
    ['k-anonymity: every class has ≥ 5 records', 'average prosecutor risk ≤ 0.05']
    """
    targets = _criterion_targets(policy)
    risk = policy.risk
    thresholds = (
        ("highest_prosecutor_risk", "highest prosecutor risk", "highest_risk"),
        ("average_prosecutor_risk", "average prosecutor risk", "average_risk"),
        ("records_at_risk", f"share of records with risk above {risk.record_risk_threshold:g}", "records_at_risk"),
    )
    for check, label, figure in thresholds:
        limit = getattr(risk, THRESHOLD_SETTINGS[figure])
        if limit < 1:
            targets.append(Target(check, f"{label} ≤ {limit:g}", limit, figure=figure))
    return targets


def target_rows(policy: Policy, risk_summary: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The report's table: each target with its achieved figure beside its limit."""
    return [
        {
            "target": target.description,
            "achieved": target.achieved(risk_summary),
            "limit": target.limit,
            "met": target.met(risk_summary),
        }
        for target in policy_targets(policy)
    ]


def why_k_exceeds(k_asked: int | None, k_achieved: int | None, rows: Mapping[str, Any], other_targets: list[str]) -> str | None:
    """Why the smallest class is larger than the k asked for, or None when it is not.

    >>> why_k_exceeds(5, 8, {"rows_suppressed": 0}, [])[:33]
    'k achieved is 8 where 5 was asked'
    """
    if k_asked is None or k_achieved is None or k_achieved <= k_asked:
        return None
    reasons = [
        "full-domain generalization moves a whole column up one level of its hierarchy at a time, so the classes "
        "grow in jumps and the least-loss transformation that meets every target has no class smaller than "
        f"{k_achieved}"
    ]
    if other_targets:
        reasons.append(f"the other targets ({'; '.join(other_targets)}) needed coarser levels than k alone")
    if rows.get("rows_suppressed"):
        reasons.append(f"{rows['rows_suppressed']} rows of classes below the limit were suppressed rather than generalize further")
    return f"k achieved is {k_achieved} where {k_asked} was asked because " + "; ".join(reasons) + "."
