"""The `aggregates:` policy section: differentially private statistics and the budget they spend.

Everything the privacy guarantee rests on is declared here, never derived from the data: who the
privacy unit is and how many rows one may contribute, the bounds values are clamped to, the
histogram edges, the keys of a grouped count (or that they are selected privately), and the ε and
δ each query spends out of the period's budget.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from anonymization_pipeline.core.policy.model import CsvLocation, Location, ParquetLocation, SqlLocation, StrictModel, strictly_increasing

Period = Literal["day", "week", "month", "year", "none"]
NoiseMechanism = Literal["laplace", "gaussian"]
RELEASE_COLUMNS = ("query", "bin", "value", "ci_low", "ci_high", "epsilon")
"""The released table's own columns; the `by` columns of grouped queries come between `query` and `bin`."""


class PrivacyUnit(StrictModel):
    """The column naming a person, and how many rows one person may contribute (more are
    truncated, by a choice seeded with `seed` that depends only on that person's rows)."""

    column: str = Field(min_length=1)
    max_rows: int = Field(ge=1)
    seed: int = Field(0, ge=0)


class Budget(StrictModel):
    """What the dataset may spend per period (`none`: once, for ever)."""

    epsilon: float = Field(gt=0)
    delta: float = Field(0.0, ge=0, lt=1)
    period: Period = "month"


class _Query(StrictModel):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    epsilon: float = Field(gt=0)
    delta: float = Field(0.0, ge=0, lt=1)

    @property
    def columns(self) -> list[str]:
        """The input columns the query reads."""
        return [self.column] if "column" in type(self).model_fields else []


class _NoisyQuery(_Query):
    mechanism: NoiseMechanism = "laplace"

    @model_validator(mode="after")
    def _delta_fits_mechanism(self) -> _NoisyQuery:
        if self.mechanism == "gaussian" and self.delta == 0:
            raise ValueError("the gaussian mechanism needs 'delta' > 0")
        if self.mechanism == "laplace" and self.delta > 0 and not self.selects_keys:
            raise ValueError("'delta' is spent only by the gaussian mechanism or by keys selected privately")
        return self

    @property
    def selects_keys(self) -> bool:
        return False


class _GroupedQuery(_NoisyQuery):
    """A statistic, optionally per group of the `by` columns. The groups are `keys` declared per
    column (their product), or, where a column has none, the groups present in the data whose
    noisy count passes a threshold (which spends `delta`)."""

    by: list[str] = Field(default_factory=list)
    keys: dict[str, list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _keys_of_by_columns(self) -> _GroupedQuery:
        strangers = sorted(set(self.keys) - set(self.by))
        if strangers:
            raise ValueError(f"keys: '{strangers[0]}' is not one of the 'by' columns")
        if len(set(self.by)) != len(self.by):
            raise ValueError("by: a column is named twice")
        taken = sorted(set(self.by) & set(RELEASE_COLUMNS))
        if taken:
            raise ValueError(f"by: '{taken[0]}' is a column of the released table; rename it in the input")
        if any(not values for values in self.keys.values()):
            raise ValueError("keys: give at least one key per column")
        if self.selects_keys:
            if self.mechanism == "gaussian":
                raise ValueError("private key selection uses the laplace mechanism; declare 'keys' for every 'by' column")
            if self.delta == 0:
                raise ValueError(
                    "keys not declared for every 'by' column are selected privately, which needs 'delta' > 0"
                )
        return self

    @property
    def selects_keys(self) -> bool:
        return any(column not in self.keys for column in self.by)

    @property
    def columns(self) -> list[str]:
        return [*self.by, *([self.column] if "column" in type(self).model_fields else [])]


class CountQuery(_GroupedQuery):
    """Rows, optionally per group."""

    kind: Literal["count"]


def _ordered_bounds(bounds: tuple[float, float]) -> tuple[float, float]:
    if not bounds[0] < bounds[1]:
        raise ValueError("bounds must be [lower, upper] with lower < upper")
    return bounds


class SumQuery(_GroupedQuery):
    """The sum of a column, each value clamped to the declared `bounds`, optionally per group
    (with keys selected privately, half of ε selects them and half pays for the sums)."""

    kind: Literal["sum"]
    column: str = Field(min_length=1)
    bounds: tuple[float, float]

    _ordered = field_validator("bounds")(_ordered_bounds)


class MeanQuery(_GroupedQuery):
    """A noisy sum over a noisy count (ε and δ split evenly), values clamped to `bounds`,
    optionally per group (with keys selected privately, the selection's noisy counts are the counts)."""

    kind: Literal["mean"]
    column: str = Field(min_length=1)
    bounds: tuple[float, float]

    _ordered = field_validator("bounds")(_ordered_bounds)


class HistogramQuery(_NoisyQuery):
    """Counts per bin `[e_i, e_i+1)` (the last bin closed), plus a bin below and one above."""

    kind: Literal["histogram"]
    column: str = Field(min_length=1)
    edges: list[float] = Field(min_length=2)

    _increasing = field_validator("edges")(strictly_increasing)


class QuantileQuery(_Query):
    """The q-quantile by the exponential mechanism over `candidates` points evenly spread over
    `bounds`; its confidence interval is two further private quantiles (see core/dp/quantiles.py)."""

    kind: Literal["quantile"]
    column: str = Field(min_length=1)
    q: float = Field(ge=0, le=1)
    bounds: tuple[float, float]
    candidates: int = Field(1001, ge=2, le=100_000)
    mechanism: Literal["exponential"] = "exponential"

    _ordered = field_validator("bounds")(_ordered_bounds)

    @field_validator("delta")
    @classmethod
    def _pure(cls, delta: float) -> float:
        if delta != 0:
            raise ValueError("the exponential mechanism spends no delta")
        return delta


Query = Annotated[
    CountQuery | SumQuery | MeanQuery | HistogramQuery | QuantileQuery, Field(discriminator="kind")
]


class Aggregates(StrictModel):
    """The whole section: one release of every query, charged to the dataset's budget ledger."""

    privacy_unit: PrivacyUnit
    budget: Budget
    output: Location
    queries: list[Query] = Field(min_length=1)

    @field_validator("output")
    @classmethod
    def _output_is_a_table(cls, output: CsvLocation | ParquetLocation | SqlLocation):
        if isinstance(output, SqlLocation) and output.table is None:
            raise ValueError("a SQL output needs 'table', not 'query'")
        return output

    @model_validator(mode="after")
    def _queries_fit_the_budget(self) -> Aggregates:
        names = [query.name for query in self.queries]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"queries: the name '{twice[0]}' is used twice")
        for query in self.queries:
            if query.epsilon > self.budget.epsilon:
                raise ValueError(
                    f"queries.{query.name}: epsilon {query.epsilon:g} is more than the whole budget "
                    f"(epsilon {self.budget.epsilon:g} per {self.budget.period})"
                )
            if query.delta > self.budget.delta:
                raise ValueError(
                    f"queries.{query.name}: delta {query.delta:g} is more than the whole budget "
                    f"(delta {self.budget.delta:g} per {self.budget.period})"
                )
        if self.epsilon > self.budget.epsilon * (1 + 1e-12):
            raise ValueError(
                f"the queries spend epsilon {self.epsilon:g} together, more than the budget "
                f"(epsilon {self.budget.epsilon:g} per {self.budget.period})"
            )
        if self.delta > self.budget.delta * (1 + 1e-12):
            raise ValueError(
                f"the queries spend delta {self.delta:g} together, more than the budget "
                f"(delta {self.budget.delta:g} per {self.budget.period})"
            )
        return self

    @property
    def epsilon(self) -> float:
        """ε of one release: the queries compose sequentially."""
        return sum(query.epsilon for query in self.queries)

    @property
    def delta(self) -> float:
        return sum(query.delta for query in self.queries)

    @property
    def columns(self) -> list[str]:
        """Every input column a release reads, the privacy unit first."""
        wanted = [self.privacy_unit.column] + [column for query in self.queries for column in query.columns]
        return list(dict.fromkeys(wanted))
