"""One release of a policy's `aggregates:` queries: read, bound, add noise, reserve, publish, commit.

Bad input is found before anything is spent: a missing section, an unknown column, a query the
budget cannot pay even once (the policy refuses those). The statistics are computed in memory,
then the spend is reserved on the ledger; only if that commits is the table written (atomically),
and only then is the reservation marked committed. A refused reservation (BudgetExhausted, exit 1)
leaves no output and spends nothing.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from anonymization_pipeline.core.dp.contribution import bound_contributions
from anonymization_pipeline.core.dp.ledger import BudgetLedger, Spend, check_budget, period_key, remaining
from anonymization_pipeline.core.dp.queries import RELEASES, ReleasedValue
from anonymization_pipeline.core.errors import ConfigurationError, InputDataError
from anonymization_pipeline.core.io import describe_location, read_table, write_table
from anonymization_pipeline.core.io.locations import AnyLocation
from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.policy.aggregates import Aggregates

VALUE_COLUMNS = ["bin", "value", "ci_low", "ci_high", "epsilon"]


@dataclass(frozen=True)
class AggregateRelease:
    """What a release did: the table it published and what it spent. Counts and names only,
    besides the table itself, which is differentially private."""

    dataset: str
    period: str
    run_id: str
    epsilon: float
    delta: float
    digest: str
    output: str
    table: pd.DataFrame = field(repr=False)
    rows_read: int
    rows_truncated: int
    privacy_units: int
    spent: Spend
    remaining: Spend
    timings: dict[str, float]

    def summary(self) -> dict:
        """The report: everything but the table."""
        return {
            "dataset": self.dataset,
            "period": self.period,
            "run_id": self.run_id,
            "epsilon": self.epsilon,
            "delta": self.delta,
            "digest": self.digest,
            "output": self.output,
            "rows_released": len(self.table),
            "rows_read": self.rows_read,
            "rows_truncated": self.rows_truncated,
            "privacy_units": self.privacy_units,
            "spent": vars(self.spent),
            "remaining": vars(self.remaining),
            "timings": self.timings,
        }


def release_aggregates(
    policy: Policy,
    *,
    run_id: str,
    ledger: BudgetLedger,
    input_location: AnyLocation | None = None,
    output_location: AnyLocation | None = None,
    frame: pd.DataFrame | None = None,
    now: datetime | None = None,
) -> AggregateRelease:
    """Release every query of `policy.aggregates` once, charged to `ledger`.

    `frame` replaces reading the input (the benchmark and tests hand a table in).

    >>> release_aggregates(load_policy("policy.yaml"), run_id="r1", ledger=BudgetLedger.from_environment())  # doctest: +SKIP
    """
    aggregates = require_aggregates(policy)
    budget, dataset = aggregates.budget, policy.dataset.name
    period = period_key(budget.period, now)
    clock = {"start": time.perf_counter()}
    check_budget(dataset, period, budget, ledger.spent(dataset, period), aggregates.epsilon, aggregates.delta)
    if frame is None:
        frame = read_table(input_location or policy.dataset.input)
    check_columns(aggregates, list(frame.columns))
    clock["read"] = time.perf_counter()
    unit = aggregates.privacy_unit
    bounded = bound_contributions(encode_keys(aggregates, frame[aggregates.columns]), unit.column, unit.max_rows, unit.seed)
    clock["bound"] = time.perf_counter()
    table = release_table(aggregates, bounded.frame)
    clock["mechanisms"] = time.perf_counter()
    digest = table_digest(table)
    reservation = ledger.reserve(
        dataset,
        aggregates.epsilon,
        aggregates.delta,
        budget=budget,
        queries=[query.name for query in aggregates.queries],
        run_id=run_id,
        digest=digest,
        now=now,
    )
    output = output_location or aggregates.output
    try:
        write_table(table, output)
    except BaseException:
        ledger.abort(reservation)
        raise
    ledger.commit(reservation)
    clock["publish"] = time.perf_counter()
    spent = Spend(reservation.spent_before.epsilon + reservation.epsilon, reservation.spent_before.delta + reservation.delta)
    return AggregateRelease(
        dataset=dataset,
        period=period,
        run_id=run_id,
        epsilon=reservation.epsilon,
        delta=reservation.delta,
        digest=digest,
        output=describe_location(output),
        table=table,
        rows_read=len(frame),
        rows_truncated=bounded.rows_truncated,
        privacy_units=bounded.units,
        spent=spent,
        remaining=remaining(budget, spent),
        timings=_durations(clock),
    )


def require_aggregates(policy: Policy) -> Aggregates:
    if policy.aggregates is None:
        raise ConfigurationError("this policy has no 'aggregates' section: nothing to release")
    return policy.aggregates


def check_columns(aggregates: Aggregates, columns: list[str]) -> None:
    """Every column a query or the privacy unit names must be in the input."""
    missing = [column for column in aggregates.columns if column not in columns]
    if missing:
        raise InputDataError(
            f"aggregates: unknown column{'s' if len(missing) > 1 else ''} {', '.join(repr(c) for c in missing)}; "
            f"the input has {len(columns)} columns: {', '.join(columns)}"
        )


def release_table(aggregates: Aggregates, frame: pd.DataFrame) -> pd.DataFrame:
    """Every query's released values as one long table: `query`, the `by` columns, `bin`,
    `value`, `ci_low`, `ci_high`, `epsilon` (a column is empty where it does not apply)."""
    max_rows = aggregates.privacy_unit.max_rows
    by_columns = list(dict.fromkeys(column for query in aggregates.queries for column in getattr(query, "by", [])))
    frame = encode_keys(aggregates, frame)
    released: list[ReleasedValue] = []
    for query in aggregates.queries:
        released.extend(RELEASES[type(query)](frame, query, max_rows))
    records = [
        {
            "query": value.query,
            **{column: (value.by or {}).get(column) for column in by_columns},
            "bin": value.bin,
            "value": value.value,
            "ci_low": value.ci_low,
            "ci_high": value.ci_high,
            "epsilon": value.epsilon,
        }
        for value in released
    ]
    table = pd.DataFrame.from_records(records, columns=["query", *by_columns, *VALUE_COLUMNS])
    for column in ["query", *by_columns, "bin"]:
        table[column] = table[column].astype("string")
    return table


def encode_keys(aggregates: Aggregates, frame: pd.DataFrame) -> pd.DataFrame:
    """The privacy unit and the `by` columns, where they hold text, as categoricals: each is hashed
    once here, not again by contribution bounding (which then hashes only distinct values) and by
    every query that groups by it. A column a query also reads as numbers stays as it is."""
    numbers = {getattr(query, "column", None) for query in aggregates.queries}
    keys = [aggregates.privacy_unit.column, *(column for query in aggregates.queries for column in getattr(query, "by", []))]
    text = [
        column
        for column in dict.fromkeys(keys)
        if column not in numbers and (pd.api.types.is_object_dtype(frame[column]) or pd.api.types.is_string_dtype(frame[column]))
        and not isinstance(frame[column].dtype, pd.CategoricalDtype)
    ]
    if not text:
        return frame
    encoded = {column: pd.Categorical.from_codes(*pd.factorize(frame[column])) for column in text}
    return frame.assign(**encoded)


def table_digest(table: pd.DataFrame) -> str:
    """SHA-256 of the table as CSV: the ledger names exactly what was released."""
    return hashlib.sha256(table.to_csv(index=False).encode("utf-8")).hexdigest()


def _durations(clock: dict[str, float]) -> dict[str, float]:
    marks = list(clock.items())
    return {name: round(at - before, 4) for (_, before), (name, at) in zip(marks, marks[1:])}
