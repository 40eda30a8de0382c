"""The targets a policy sets, each with its figure beside its limit.

One list serves the Dagster checks (one check per configured target, described by its target)
and the report (each figure beside the limit it was held to). A target the policy does not set
is not listed, so nothing shows green for a criterion nobody asked for. The verdicts repeat the
risk assessment's, from the figures it recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.risk.assessment import TOLERANCE


@dataclass(frozen=True)
class Target:
    """One target: `check` names its Dagster check, `description` states it as the policy does."""

    check: str
    description: str
    limit: float
    direction: Literal["at_least", "at_most"]
    figure: tuple[str, ...]
    """Where the achieved figure sits in the risk summary, e.g. ("prosecutor", "average_risk")."""

    def achieved(self, risk_summary: Mapping[str, Any]) -> float | None:
        value: Any = risk_summary
        for part in self.figure:
            value = value.get(part) if isinstance(value, Mapping) else None
        return value

    def met(self, risk_summary: Mapping[str, Any]) -> bool:
        achieved = self.achieved(risk_summary)
        if achieved is None:
            return False
        if self.direction == "at_least":
            return achieved + TOLERANCE >= self.limit
        return achieved <= self.limit + TOLERANCE


def policy_targets(policy: Policy) -> list[Target]:
    """Every target the policy sets, privacy criteria first, then risk thresholds below 1.

    >>> from anonymization_pipeline.core.policy import validate_policy
    >>> policy = validate_policy({"version": 1, "dataset": {"name": "d", "input": {"format": "csv", "path": "/i.csv"},
    ...     "output": {"format": "csv", "path": "/o.csv"}}, "fields": {"age": {"class": "quasi_identifier",
    ...     "hierarchy": {"intervals": [0, 50, 100]}}}, "privacy": {"k": 5}, "risk": {"max_average_risk": 0.05}})
    >>> [target.description for target in policy_targets(policy)]
    ['k-anonymity: every class has ≥ 5 records', 'average prosecutor risk ≤ 0.05']
    """
    targets = []
    privacy = policy.privacy
    if privacy is not None and privacy.k is not None:
        targets.append(
            Target("k_anonymity", f"k-anonymity: every class has ≥ {privacy.k} records", privacy.k, "at_least", ("k_achieved",))
        )
    if privacy is not None and privacy.l_diversity is not None:
        target = privacy.l_diversity
        targets.append(
            Target(
                "l_diversity",
                f"{target.variant} l-diversity of {target.attribute} ≥ {target.l:g}",
                target.l,
                "at_least",
                ("sensitive", target.attribute, f"l_{target.variant}"),
            )
        )
    if privacy is not None and privacy.t_closeness is not None:
        target = privacy.t_closeness
        targets.append(
            Target(
                "t_closeness",
                f"t-closeness of {target.attribute} ({target.distance} distance) ≤ {target.t:g}",
                target.t,
                "at_most",
                ("sensitive", target.attribute, f"t_{target.distance}"),
            )
        )
    risk = policy.risk
    thresholds = (
        ("highest_prosecutor_risk", "highest prosecutor risk", risk.max_prosecutor_risk, "highest_risk"),
        ("average_prosecutor_risk", "average prosecutor risk", risk.max_average_risk, "average_risk"),
        (
            "records_at_risk",
            f"share of records with risk above {risk.record_risk_threshold:g}",
            risk.max_records_at_risk,
            "records_at_risk",
        ),
    )
    for check, label, limit, figure in thresholds:
        if limit < 1:
            targets.append(Target(check, f"{label} ≤ {limit:g}", limit, "at_most", ("prosecutor", figure)))
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
