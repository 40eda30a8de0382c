"""Charging the privacy budget: the one place a run's ε is spent.

Today the spend is recorded in the run's report and metadata only; a persistent ledger (one
budget per dataset, refusing a run that would exceed it) will be consulted here, before any
noisy measurement is taken, without touching the model.
"""

from __future__ import annotations

from dataclasses import dataclass

MECHANISM = "discrete Laplace and report-noisy-max (OpenDP), pure ε-DP, add/remove-one-row neighbours"


@dataclass(frozen=True)
class BudgetCharge:
    dataset: str
    epsilon: float
    mechanism: str


def charge_privacy_budget(dataset: str, epsilon: float) -> BudgetCharge:
    """Record that one synthesis of `dataset` spends `epsilon`; call before measuring anything."""
    return BudgetCharge(dataset, epsilon, MECHANISM)
