"""Charging the privacy budget: the one place a synthesis spends ε.

A `dp_marginals` run reserves its ε on the dataset's persistent budget ledger (the one the DP
statistics are charged to, see core/dp/ledger.py) before any noisy measurement is taken; when the
period's budget cannot pay, the ledger refuses (BudgetExhausted, exit 1) and nothing is measured.
The reservation is committed, with the released table's digest, once the table has left the
process (written, or handed to a Python caller), and aborted when the candidate is rejected or the
write fails. A run killed in between leaves it reserved, which the ledger counts as spent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from anonymization_pipeline.core.dp import BudgetLedger, Reservation
from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.policy.aggregates import Budget
from anonymization_pipeline.core.policy.synthetic import synthetic_budget

MECHANISM = "discrete Laplace and report-noisy-max (OpenDP), pure ε-DP, add/remove-one-row neighbours"
QUERIES = ("synthetic:dp_marginals",)
"""What a synthesis is called in the ledger's history, beside the aggregate queries."""


@dataclass(frozen=True)
class BudgetCharge:
    """ε reserved on the ledger for one synthesis; settle it once, with `commit` or `abort`."""

    reservation: Reservation
    budget: Budget
    ledger: BudgetLedger = field(repr=False)
    owns_ledger: bool = field(repr=False)

    def commit(self, digest: str) -> None:
        """The table was released: the spend stays, recorded with the table's digest."""
        self.ledger.commit(self.reservation, digest)
        self._close()

    def abort(self) -> None:
        """Nothing left the process: the reservation stops counting."""
        self.ledger.abort(self.reservation)
        self._close()

    def describe(self) -> dict[str, Any]:
        """The report's `privacy_budget`: what this run spends, and what the period has left after it."""
        spent = self.reservation.spent_before.epsilon + self.reservation.epsilon
        return {
            "dataset": self.reservation.dataset,
            "epsilon": self.reservation.epsilon,
            "mechanism": MECHANISM,
            "period": self.reservation.period,
            "run_id": self.reservation.run_id,
            "ledger_entry": self.reservation.id,
            "budget_epsilon": self.budget.epsilon,
            "epsilon_spent_in_period": spent,
            "epsilon_remaining_in_period": max(self.budget.epsilon - spent, 0.0),
        }

    def _close(self) -> None:
        if self.owns_ledger:
            self.ledger.dispose()


def charge_privacy_budget(policy: Policy, run_id: str, ledger: BudgetLedger | None = None) -> BudgetCharge | None:
    """Reserve what one synthesis under `policy` spends (None for a method that spends nothing);
    call before measuring anything. `ledger` defaults to this instance's (`BudgetLedger.from_environment`).

    Raises BudgetExhausted, recording nothing, when the period's budget cannot pay.
    """
    settings = policy.synthetic
    budget = synthetic_budget(settings, policy.aggregates)
    if budget is None:
        return None
    book = ledger or BudgetLedger.from_environment()
    try:
        reservation = book.reserve(policy.dataset.name, settings.epsilon, 0.0, budget=budget, queries=QUERIES, run_id=run_id)
    except BaseException:
        if ledger is None:
            book.dispose()
        raise
    return BudgetCharge(reservation, budget, book, owns_ledger=ledger is None)
