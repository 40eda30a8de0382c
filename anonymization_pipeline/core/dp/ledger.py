"""The privacy budget ledger: what each dataset has spent in each period, across runs and machines.

A release is charged in three steps. `reserve` checks the period's spend and records this one as
`reserved` in a single serialised transaction (SQLite: `BEGIN IMMEDIATE`, the database's one write
lock; PostgreSQL: transaction-scoped advisory locks per dataset and period, see `_lock_period`), so two runs at once
can never both take the last ε. Only once that has committed is the release published; then
`commit` marks it `committed`, or `abort` marks it `aborted` when publishing failed and nothing left
the process. A run killed in between leaves its row `reserved`, which counts as spent: the noise
may have been seen. Such rows stay visible in `history`, and only a reset (with a reason, audited)
gives their budget back.

Other releases of noisy statistics (e.g. synthetic data's DP marginals) charge the same ledger:

>>> from anonymization_pipeline.core.policy.aggregates import Budget
>>> ledger = BudgetLedger("sqlite://")
>>> with ledger.charged("users", 0.5, 0.0, budget=Budget(epsilon=1.0), queries=["marginals"], run_id="r1"):
...     pass  # publish here; an exception marks the reservation aborted
>>> ledger.spent("users", period_key("month")).epsilon
0.5
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, create_engine, event, func, or_, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool, StaticPool

from anonymization_pipeline.core.dp.ledger_location import ledger_url_from_environment
from anonymization_pipeline.core.dp.ledger_schema import ABORTED, COMMITTED, RESERVED, RESET, audit, ledger, metadata
from anonymization_pipeline.core.errors import ConfigurationError, OutputError, PrivacyTargetNotMet
from anonymization_pipeline.core.io.sql_engine import database_problem, display_url, parse_sql_url
from anonymization_pipeline.core.policy.aggregates import Budget, Period

ALL_PERIODS = "*"
_SPENDING = (RESERVED, COMMITTED)
_TOLERANCE = 1e-9
_SQLITE_WAIT_SECONDS = 60


class BudgetExhausted(PrivacyTargetNotMet):
    """The period's budget cannot pay for the release: nothing was released (exit 1)."""


@dataclass(frozen=True)
class Spend:
    epsilon: float
    delta: float


@dataclass(frozen=True)
class Reservation:
    """A spend recorded as `reserved`; settle it with `commit` or `abort`."""

    id: int
    dataset: str
    period: str
    epsilon: float
    delta: float
    run_id: str
    spent_before: Spend


@dataclass(frozen=True)
class LedgerEntry:
    """One row of the ledger: a release (or, with status `reset`, a reset)."""

    id: int
    dataset: str
    period: str
    queries: list[str]
    epsilon: float
    delta: float
    run_id: str
    digest: str | None
    status: str
    time: datetime
    settled_at: datetime | None

    def as_json(self) -> dict:
        record = asdict(self)
        record["time"] = self.time.isoformat()
        record["settled_at"] = self.settled_at.isoformat() if self.settled_at else None
        return record


@dataclass(frozen=True)
class BudgetAuditRecord:
    id: int
    at: datetime
    actor: str
    action: str
    dataset: str
    period: str
    reason: str
    detail: str


def period_key(period: Period, moment: datetime | None = None) -> str:
    """The ledger's name for the period containing `moment` (UTC; default now).

    >>> period_key("week", datetime(2026, 11, 30, tzinfo=UTC)), period_key("none")
    ('2026-W49', 'all')
    """
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    if period == "day":
        return moment.date().isoformat()
    if period == "week":
        year, week, _ = moment.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{moment.year}-{moment.month:02d}"
    if period == "year":
        return str(moment.year)
    return "all"


class BudgetLedger:
    """The ledger in a SQL database (SQLite file or PostgreSQL); tables are created on first use."""

    def __init__(self, url: str):
        self._url = display_url(url)
        self._engine = _open(url)
        if self._engine.dialect.name not in ("sqlite", "postgresql"):
            raise ConfigurationError(f"budget ledger {self._url}: only SQLite and PostgreSQL are supported")
        try:
            with self._engine.begin() as connection:
                if self._engine.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key("schema", "")})
                metadata.create_all(connection)
        except SQLAlchemyError as error:
            raise ConfigurationError(f"budget ledger {self._url}: cannot open it ({database_problem(error)})") from None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> BudgetLedger:
        """The ledger of this Dagster instance; see `ledger_url_from_environment`."""
        return cls(ledger_url_from_environment(environ))

    def reserve(
        self,
        dataset: str,
        epsilon: float,
        delta: float,
        *,
        budget: Budget,
        queries: Sequence[str],
        run_id: str,
        digest: str | None = None,
        now: datetime | None = None,
    ) -> Reservation:
        """Record (ε, δ) as reserved for `dataset` in the current period, or raise BudgetExhausted
        and record nothing. Nothing may be published before this returns."""
        if epsilon <= 0 or delta < 0:
            raise ConfigurationError(f"a spend needs epsilon > 0 and delta ≥ 0, got epsilon {epsilon:g}, delta {delta:g}")
        period = period_key(budget.period, now)
        with self._serialised(dataset, period) as connection:
            spent = self._spent(connection, dataset, period)
            check_budget(dataset, period, budget, spent, epsilon, delta)
            reservation_id = connection.execute(
                ledger.insert()
                .values(
                    dataset=dataset,
                    period=period,
                    queries=json.dumps(list(queries)),
                    epsilon=float(epsilon),
                    delta=float(delta),
                    run_id=run_id,
                    digest=digest,
                    status=RESERVED,
                    reserved_at=now or datetime.now(UTC),
                )
                .returning(ledger.c.id)
            ).scalar_one()
        return Reservation(reservation_id, dataset, period, float(epsilon), float(delta), run_id, spent)

    def commit(self, reservation: Reservation, digest: str | None = None) -> None:
        """The release was published."""
        self._settle(reservation, COMMITTED, digest)

    def abort(self, reservation: Reservation) -> None:
        """Publishing failed and nothing left the process: the reservation stops counting."""
        self._settle(reservation, ABORTED, None)

    @contextmanager
    def charged(
        self, dataset: str, epsilon: float, delta: float, *, budget: Budget, queries: Sequence[str], run_id: str
    ) -> Iterator[Reservation]:
        """Reserve, run the body (which publishes), then commit; abort if the body raises."""
        reservation = self.reserve(dataset, epsilon, delta, budget=budget, queries=queries, run_id=run_id)
        try:
            yield reservation
        except BaseException:
            self.abort(reservation)
            raise
        self.commit(reservation)

    def spent(self, dataset: str, period: str) -> Spend:
        """What `dataset` has spent in `period` (a `period_key`) since its last reset."""
        with self._connect() as connection:
            return self._spent(connection, dataset, period)

    def history(self, dataset: str | None = None) -> list[LedgerEntry]:
        """Every release and reset, oldest first."""
        query = select(ledger).order_by(ledger.c.id)
        if dataset is not None:
            query = query.where(ledger.c.dataset == dataset)
        with self._connect() as connection:
            rows = connection.execute(query).all()
        return [
            LedgerEntry(
                id=row.id,
                dataset=row.dataset,
                period=row.period,
                queries=json.loads(row.queries),
                epsilon=row.epsilon,
                delta=row.delta,
                run_id=row.run_id,
                digest=row.digest,
                status=row.status,
                time=_utc(row.reserved_at),
                settled_at=_utc(row.settled_at) if row.settled_at else None,
            )
            for row in rows
        ]

    def datasets(self) -> list[str]:
        with self._connect() as connection:
            return list(connection.execute(select(ledger.c.dataset).distinct().order_by(ledger.c.dataset)).scalars())

    def periods(self, dataset: str) -> list[str]:
        """The periods in which `dataset` has ledger rows, oldest first."""
        query = select(ledger.c.period).where(ledger.c.dataset == dataset, ledger.c.period != ALL_PERIODS)
        with self._connect() as connection:
            return sorted(set(connection.execute(query).scalars()))

    def reset(self, dataset: str, *, reason: str, actor: str, period: str = ALL_PERIODS) -> BudgetAuditRecord:
        """Give `dataset` its budget back for `period` (default: every period so far), recording
        who, when and why first. The releases stay in the history; spends before the reset stop counting."""
        reason, actor = _required(reason, "a reason"), _required(actor, "an actor")
        now = datetime.now(UTC)
        with self._serialised(dataset, period) as connection:
            before = self._spent(connection, dataset, period) if period != ALL_PERIODS else None
            detail = (
                f"epsilon {before.epsilon:g}, delta {before.delta:g} spent before the reset"
                if before
                else "every period reset"
            )
            connection.execute(
                audit.insert().values(
                    at=now, actor=actor, action="reset", dataset=dataset, period=period, reason=reason, detail=detail
                )
            )
            connection.execute(
                ledger.insert().values(
                    dataset=dataset,
                    period=period,
                    queries="[]",
                    epsilon=0.0,
                    delta=0.0,
                    run_id="",
                    status=RESET,
                    reserved_at=now,
                    settled_at=now,
                )
            )
        return self.audit_trail(dataset)[-1]

    def audit_trail(self, dataset: str | None = None) -> list[BudgetAuditRecord]:
        query = select(audit).order_by(audit.c.id)
        if dataset is not None:
            query = query.where(audit.c.dataset == dataset)
        with self._connect() as connection:
            rows = connection.execute(query).all()
        return [BudgetAuditRecord(**{**row._asdict(), "at": _utc(row.at)}) for row in rows]

    def dispose(self) -> None:
        self._engine.dispose()

    def __repr__(self) -> str:
        return f"BudgetLedger({self._url!r})"

    def _spent(self, connection: Connection, dataset: str, period: str) -> Spend:
        last_reset = (
            select(func.coalesce(func.max(ledger.c.id), 0))
            .where(ledger.c.dataset == dataset, ledger.c.status == RESET)
            .where(or_(ledger.c.period == period, ledger.c.period == ALL_PERIODS))
            .scalar_subquery()
        )
        query = select(func.coalesce(func.sum(ledger.c.epsilon), 0.0), func.coalesce(func.sum(ledger.c.delta), 0.0)).where(
            ledger.c.dataset == dataset,
            ledger.c.period == period,
            ledger.c.status.in_(_SPENDING),
            ledger.c.id > last_reset,
        )
        epsilon, delta = connection.execute(query).one()
        return Spend(float(epsilon), float(delta))

    def _settle(self, reservation: Reservation, status: str, digest: str | None) -> None:
        values = {"status": status, "settled_at": datetime.now(UTC)}
        if digest is not None:
            values["digest"] = digest
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    ledger.update().where(ledger.c.id == reservation.id, ledger.c.status == RESERVED).values(**values)
                )
        except SQLAlchemyError as error:
            raise OutputError(
                f"budget ledger {self._url}: cannot mark release {reservation.id} {status} ({database_problem(error)}); "
                "it stays reserved, counted as spent"
            ) from None

    @contextmanager
    def _serialised(self, dataset: str, period: str) -> Iterator[Connection]:
        try:
            with self._engine.begin() as connection:
                if self._engine.dialect.name == "postgresql":
                    _lock_period(connection, dataset, period)
                yield connection
        except SQLAlchemyError as error:
            raise OutputError(
                f"budget ledger {self._url}: cannot record the spend ({database_problem(error)}); nothing released"
            ) from None

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as connection:
                yield connection
        except SQLAlchemyError as error:
            raise ConfigurationError(f"budget ledger {self._url}: cannot read it ({database_problem(error)})") from None


def reserve(
    dataset: str,
    epsilon: float,
    delta: float,
    *,
    budget: Budget,
    queries: Sequence[str],
    run_id: str,
    digest: str | None = None,
    ledger_url: str | None = None,
) -> Reservation:
    """Reserve a spend on this instance's ledger (see `BudgetLedger.reserve`); commit or abort it
    with `BudgetLedger(url).commit(reservation)` once the release is published or given up."""
    book = BudgetLedger(ledger_url) if ledger_url else BudgetLedger.from_environment()
    try:
        return book.reserve(dataset, epsilon, delta, budget=budget, queries=queries, run_id=run_id, digest=digest)
    finally:
        book.dispose()


def remaining(budget: Budget, spent: Spend) -> Spend:
    return Spend(max(budget.epsilon - spent.epsilon, 0.0), max(budget.delta - spent.delta, 0.0))


def check_budget(dataset: str, period: str, budget: Budget, spent: Spend, epsilon: float, delta: float) -> None:
    over_epsilon = spent.epsilon + epsilon > budget.epsilon * (1 + _TOLERANCE)
    over_delta = spent.delta + delta > budget.delta * (1 + _TOLERANCE) + 1e-300
    if over_epsilon or over_delta:
        left = remaining(budget, spent)
        raise BudgetExhausted(
            f"dataset '{dataset}': the release needs epsilon {epsilon:g}, delta {delta:g}, but only epsilon "
            f"{left.epsilon:g}, delta {left.delta:g} of the budget (epsilon {budget.epsilon:g}, delta {budget.delta:g}) "
            f"is left for {period}; nothing released"
        )


def _open(url: str) -> Engine:
    parsed = parse_sql_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            in_memory = parsed.database in (None, "", ":memory:")  # one shared connection, or nothing persists
            engine = create_engine(
                parsed,
                poolclass=StaticPool if in_memory else NullPool,
                connect_args={"timeout": _SQLITE_WAIT_SECONDS, "check_same_thread": False},
            )
            event.listen(engine, "connect", _no_implicit_transactions)
            event.listen(engine, "begin", _begin_immediate)
            return engine
        return create_engine(parsed, poolclass=NullPool)
    except ImportError as error:
        raise ConfigurationError(f"the database driver for '{display_url(url)}' is not installed ({error.name or error})") from None


def _no_implicit_transactions(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None


def _begin_immediate(connection: Connection) -> None:
    """Take SQLite's write lock when the transaction starts, not at its first write: a reader that
    later writes could otherwise act on a spend another process has since changed."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _lock_period(connection: Connection, dataset: str, period: str) -> None:
    """PostgreSQL: one transaction-scoped advisory lock scheme for every write. A write to one
    period holds the dataset's lock shared and the period's exclusively; a reset of every period
    holds the dataset's lock exclusively, so it waits for, and blocks, a reservation in any period."""
    if period == ALL_PERIODS:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(dataset, ALL_PERIODS)})
        return
    connection.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": _lock_key(dataset, ALL_PERIODS)})
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(dataset, period)})


def _lock_key(dataset: str, period: str) -> int:
    """A signed 64-bit advisory lock key per dataset and period."""
    digest = hashlib.sha256(f"anonymizer-dp-ledger\0{dataset}\0{period}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _required(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"a budget reset needs {what}")
    return value.strip()


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive times; every time stored here is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
