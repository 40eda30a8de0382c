"""Differentially private statistics: queries, OpenDP mechanisms, contribution bounding, and the
budget ledger every release is charged to.

>>> from anonymization_pipeline.core.dp import BudgetLedger, release_aggregates  # doctest: +SKIP
"""

from anonymization_pipeline.core.dp.ledger import (
    BudgetExhausted,
    BudgetLedger,
    LedgerEntry,
    Reservation,
    Spend,
    period_key,
    reserve,
)
from anonymization_pipeline.core.dp.ledger_location import LEDGER_URL_VARIABLE, ledger_url_from_environment
from anonymization_pipeline.core.dp.release import AggregateRelease, release_aggregates

__all__ = [
    "LEDGER_URL_VARIABLE",
    "AggregateRelease",
    "BudgetExhausted",
    "BudgetLedger",
    "LedgerEntry",
    "Reservation",
    "Spend",
    "ledger_url_from_environment",
    "period_key",
    "release_aggregates",
    "reserve",
]
