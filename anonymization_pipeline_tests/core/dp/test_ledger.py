"""The budget ledger on SQLite and PostgreSQL: reservations, refusals, concurrency, kills, resets."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from anonymization_pipeline.core.dp import BudgetExhausted, BudgetLedger, period_key, reserve
from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.core.io.sql_engine import parse_sql_url
from anonymization_pipeline.core.policy.aggregates import Budget

MONTHLY = Budget(epsilon=3.0, delta=1e-6, period="month")
NOVEMBER = datetime(2026, 11, 15, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.sqlite'}"
        return
    base = os.environ.get("ANONYMIZER_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("ANONYMIZER_TEST_POSTGRES_URL is not set: the PostgreSQL ledger tests need a database")
    schema = f"ledger_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(parse_sql_url(base))
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[BudgetLedger]:
    opened = BudgetLedger(ledger_url)
    yield opened
    opened.dispose()


def spend(ledger: BudgetLedger, epsilon: float, delta: float = 0.0, now: datetime = NOVEMBER, run_id: str = "run"):
    return ledger.reserve("users", epsilon, delta, budget=MONTHLY, queries=["q"], run_id=run_id, now=now)


def test_a_committed_release_is_spent_and_listed_with_its_digest(ledger):
    reservation = spend(ledger, 1.0, 1e-7, run_id="run-1")
    assert reservation.period == "2026-11" and reservation.spent_before.epsilon == 0.0
    ledger.commit(reservation, digest="ab" * 32)
    assert ledger.spent("users", "2026-11").epsilon == 1.0
    assert ledger.spent("users", "2026-11").delta == pytest.approx(1e-7)
    [entry] = ledger.history()
    assert (entry.dataset, entry.period, entry.queries, entry.run_id, entry.status) == ("users", "2026-11", ["q"], "run-1", "committed")
    assert entry.digest == "ab" * 32 and entry.time.tzinfo is not None
    assert set(entry.as_json()) >= {"dataset", "period", "epsilon", "delta", "run_id", "time", "status"}


def test_a_release_past_the_budget_is_refused_and_records_nothing(ledger):
    ledger.commit(spend(ledger, 2.5))
    with pytest.raises(BudgetExhausted) as refused:
        spend(ledger, 0.6)
    assert str(refused.value) == (
        "dataset 'users': the release needs epsilon 0.6, delta 0, but only epsilon 0.5, delta 1e-06 of the budget "
        "(epsilon 3, delta 1e-06) is left for 2026-11; nothing released"
    )
    assert refused.value.exit_code == 1
    assert len(ledger.history()) == 1
    ledger.commit(spend(ledger, 0.5))  # exactly the rest is allowed
    assert ledger.spent("users", "2026-11").epsilon == pytest.approx(3.0)


def test_delta_is_budgeted_too(ledger):
    ledger.commit(spend(ledger, 0.1, 8e-7))
    with pytest.raises(BudgetExhausted):
        spend(ledger, 0.1, 3e-7)


def test_an_aborted_reservation_stops_counting_a_dangling_one_counts(ledger):
    ledger.abort(spend(ledger, 1.0))
    dangling = spend(ledger, 1.0)
    assert ledger.spent("users", "2026-11").epsilon == 1.0
    assert [entry.status for entry in ledger.history()] == ["aborted", "reserved"]
    ledger.commit(dangling)
    ledger.abort(dangling)  # settling twice changes nothing
    assert [entry.status for entry in ledger.history()] == ["aborted", "committed"]


def test_each_period_has_its_own_budget(ledger):
    ledger.commit(spend(ledger, 3.0))
    december = spend(ledger, 3.0, now=datetime(2026, 12, 1, tzinfo=UTC))
    assert december.period == "2026-12" and december.spent_before.epsilon == 0.0


def test_charged_commits_on_success_and_aborts_when_publishing_fails(ledger):
    with ledger.charged("users", 1.0, 0.0, budget=Budget(epsilon=3.0, period="none"), queries=["m"], run_id="a"):
        pass
    with pytest.raises(OSError), ledger.charged("users", 1.0, 0.0, budget=Budget(epsilon=3.0, period="none"), queries=["m"], run_id="b"):
        raise OSError("disk full")
    assert [(entry.run_id, entry.status, entry.period) for entry in ledger.history()] == [
        ("a", "committed", "all"),
        ("b", "aborted", "all"),
    ]


def test_reset_needs_a_reason_is_audited_and_keeps_the_history(ledger):
    ledger.commit(spend(ledger, 3.0))
    with pytest.raises(ConfigurationError, match="a budget reset needs a reason"):
        ledger.reset("users", reason="  ", actor="dpo")
    assert ledger.audit_trail() == []
    record = ledger.reset("users", reason="ticket 7: new data release approved", actor="dpo", period="2026-11")
    assert (record.actor, record.action, record.dataset, record.period) == ("dpo", "reset", "users", "2026-11")
    assert record.reason == "ticket 7: new data release approved"
    assert record.detail == "epsilon 3, delta 0 spent before the reset"
    assert ledger.spent("users", "2026-11").epsilon == 0.0
    assert [entry.status for entry in ledger.history()] == ["committed", "reset"]
    spend(ledger, 3.0)
    ledger.reset("users", reason="all periods", actor="dpo")
    assert ledger.spent("users", "2026-11").epsilon == 0.0


def test_the_history_and_audit_cannot_be_rewritten(ledger, ledger_url):
    ledger.commit(spend(ledger, 1.0))
    ledger.reset("users", reason="r", actor="dpo")
    engine = create_engine(parse_sql_url(ledger_url))
    statements = [
        "UPDATE anonymizer_dp_ledger SET epsilon = 0",
        "UPDATE anonymizer_dp_ledger SET status = 'aborted' WHERE status = 'committed'",
        "DELETE FROM anonymizer_dp_ledger",
        "UPDATE anonymizer_dp_budget_audit SET reason = 'nothing'",
        "DELETE FROM anonymizer_dp_budget_audit",
    ]
    for statement in statements:
        with pytest.raises(DBAPIError), engine.begin() as connection:
            connection.execute(text(statement))
    engine.dispose()
    assert ledger.spent("users", "2026-11").epsilon == 0.0
    assert len(ledger.history()) == 2 and len(ledger.audit_trail()) == 1


def test_the_public_reserve_charges_the_instance_ledger(monkeypatch, tmp_path):
    monkeypatch.setenv("ANONYMIZER_LEDGER_URL", f"sqlite:///{tmp_path / 'shared.sqlite'}")
    reservation = reserve("users", 0.4, 0.0, budget=MONTHLY, queries=["dp_marginals"], run_id="synth-1")
    book = BudgetLedger.from_environment()
    assert book.spent("users", period_key("month")).epsilon == 0.4
    book.commit(reservation)
    assert book.history()[0].status == "committed"
    book.dispose()


def _spend_until_refused(url: str, start_at: float, step: float) -> int:
    """A worker process: reserve `step` again and again until the ledger refuses; how many it got."""
    book = BudgetLedger(url)
    time.sleep(max(start_at - time.time(), 0))
    granted = 0
    try:
        while True:
            reservation = book.reserve("users", step, 0.0, budget=MONTHLY, queries=["q"], run_id=f"p{os.getpid()}")
            granted += 1
            book.commit(reservation)
            time.sleep(0.02)  # let the others in: on a loaded machine one process could otherwise take every step
    except BudgetExhausted:
        return granted
    finally:
        book.dispose()


def test_runs_at_once_never_spend_past_the_budget(ledger_url):
    """Six processes race for ε 3 in steps of 0.1: exactly 30 reservations are granted in total,
    and (the race being real) more than one process gets some."""
    BudgetLedger(ledger_url).dispose()  # tables exist before the race
    start_at = time.time() + 1.0
    with ProcessPoolExecutor(max_workers=6, mp_context=get_context("fork")) as pool:
        granted = list(pool.map(_spend_until_refused, [ledger_url] * 6, [start_at] * 6, [0.1] * 6))
    book = BudgetLedger(ledger_url)
    try:
        assert sum(granted) == 30 and sum(1 for count in granted if count) > 1
        assert book.spent("users", period_key("month")).epsilon == pytest.approx(3.0)
        assert len(book.history()) == 30
    finally:
        book.dispose()


KILLED_RELEASE = """
import sys, time
from anonymization_pipeline.core.dp import release as release_module
from anonymization_pipeline.core.dp import BudgetLedger
from anonymization_pipeline.core.policy import load_policy

def publish_slowly(table, location):
    print("publishing", flush=True)
    time.sleep(120)

release_module.write_table = publish_slowly
release_module.release_aggregates(load_policy(sys.argv[1]), run_id="killed-run", ledger=BudgetLedger(sys.argv[2]))
"""


def test_a_run_killed_while_publishing_leaves_its_reservation_counted_and_no_output(tmp_path, ledger_url):
    data = tmp_path / "visits.csv"
    data.write_text("user_id,amount\n" + "".join(f"u{i},{i % 7}\n" for i in range(200)))
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        f"""version: 1
dataset: {{name: visits, input: {{format: csv, path: {data}}}, output: {{format: csv, path: {tmp_path / 'unused.csv'}}}}}
unlisted_columns: drop
fields: {{user_id: {{class: direct_identifier, method: drop}}}}
aggregates:
  privacy_unit: {{column: user_id, max_rows: 1}}
  budget: {{epsilon: 1.0, period: none}}
  output: {{format: csv, path: {tmp_path / 'aggregates.csv'}}}
  queries: [{{name: visits, kind: count, epsilon: 0.6}}]
"""
    )
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_RELEASE, str(policy), ledger_url], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout.readline().strip() == "publishing"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    book = BudgetLedger(ledger_url)
    try:
        [entry] = book.history("visits")
        assert (entry.status, entry.run_id, entry.epsilon) == ("reserved", "killed-run", 0.6)
        assert len(entry.digest) == 64
        assert book.spent("visits", "all").epsilon == 0.6
        with pytest.raises(BudgetExhausted):
            book.reserve("visits", 0.6, 0.0, budget=Budget(epsilon=1.0, period="none"), queries=["visits"], run_id="next")
    finally:
        book.dispose()
    assert not (tmp_path / "aggregates.csv").exists()


def test_a_reset_of_every_period_waits_for_a_reservation_in_progress(ledger):
    """A reset of every period and a reservation for one period take the same lock scheme: while a
    reservation's transaction is open, the reset cannot slip in between its check and its write."""
    period = period_key("month", NOVEMBER)
    with ledger._serialised("users", period):
        resetting = threading.Thread(target=ledger.reset, args=("users",), kwargs={"reason": "audit", "actor": "t"})
        resetting.start()
        resetting.join(timeout=1.0)
        assert resetting.is_alive()
    resetting.join(timeout=30)
    assert not resetting.is_alive()
    assert [record.period for record in ledger.audit_trail("users")] == ["*"]
