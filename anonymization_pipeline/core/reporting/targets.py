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
