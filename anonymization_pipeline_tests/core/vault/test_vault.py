"""The vault on SQLite and PostgreSQL: round trips, an audit record for every lookup, append-only audit."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from anonymization_pipeline.core.errors import ConfigurationError, InputDataError, KeyMaterialError
from anonymization_pipeline.core.io.sql_engine import parse_sql_url
from anonymization_pipeline.core.keys import KeyProvider
from anonymization_pipeline.core.vault import Vault

VAULT_KEY = bytes(range(32))
NEW_VAULT_KEY = bytes(range(1, 33))
KEYS = KeyProvider.from_keys({"vault": VAULT_KEY})


@pytest.fixture(params=["sqlite", "postgresql"])
def vault_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'vault.sqlite'}"
        return
    base = os.environ.get("ANONYMIZER_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("ANONYMIZER_TEST_POSTGRES_URL is not set: the PostgreSQL vault tests need a database")
    schema = f"vault_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(parse_sql_url(base))
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def vault(vault_url: str) -> Iterator[Vault]:
    opened = Vault(vault_url)
    opened.store(["tok_a", "tok_b"], ["ann@example.com", "bob@example.com"], KEYS.primary("vault"), field="email")
    yield opened
    opened.dispose()


def test_reidentify_returns_the_originals_and_records_who_when_why(vault):
    before = datetime.now(UTC) - timedelta(seconds=5)
    assert vault.reidentify(["tok_b", "tok_a", "tok_b"], reason="ticket 42", actor="dpo", keys=KEYS) == {
        "tok_b": "bob@example.com",
        "tok_a": "ann@example.com",
    }
    (record,) = vault.audit_trail()
    assert (record.actor, record.action, record.reason, record.tokens, record.key_ids, record.outcome) == (
        "dpo",
        "reidentify",
        "ticket 42",
        ["tok_b", "tok_a"],
        ["vault:v1"],
        "ok",
    )
    at = record.at if record.at.tzinfo else record.at.replace(tzinfo=UTC)
    assert before <= at <= datetime.now(UTC) + timedelta(seconds=5)


def test_every_failed_lookup_is_recorded_before_it_is_raised(vault):
    with pytest.raises(
        InputDataError, match=r"^nothing re-identified: 1 of 2 tokens are not in the vault \(token no. 2\)$"
    ):
        vault.reidentify(["tok_a", "tok_zzz"], reason="r1", actor="dpo", keys=KEYS)
    wrong = KeyProvider.from_keys({"vault": NEW_VAULT_KEY})
    with pytest.raises(KeyMaterialError, match="does not open these entries \\(wrong key\\)"):
        vault.reidentify(["tok_a"], reason="r2", actor="dpo", keys=wrong)
    with pytest.raises(KeyMaterialError, match="key 'vault' not found"):
        vault.reidentify(["tok_a"], reason="r3", actor="dpo", keys=KeyProvider.from_keys({}))

    def unreadable_key_file() -> KeyProvider:
        raise KeyMaterialError("key file /keys.json has permissions 0644")

    with pytest.raises(KeyMaterialError, match="permissions 0644"):
        vault.reidentify(["tok_b"], reason="r4", actor="dpo", keys=unreadable_key_file)
    outcomes = [(r.reason, r.outcome, r.tokens) for r in vault.audit_trail()]
    assert outcomes == [
        ("r1", "unknown_tokens", ["tok_a", "tok_zzz"]),
        ("r2", "wrong_key", ["tok_a"]),
        ("r3", "key_missing", ["tok_a"]),
        ("r4", "key_missing", ["tok_b"]),
    ]


def test_the_audit_table_is_append_only(vault, vault_url):
    vault.reidentify(["tok_a"], reason="r", actor="dpo", keys=KEYS)
    engine = create_engine(parse_sql_url(vault_url))
    for statement in ("UPDATE anonymizer_vault_audit SET actor = 'nobody'", "DELETE FROM anonymizer_vault_audit"):
        with pytest.raises(DBAPIError, match="the vault audit is append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    engine.dispose()
    assert [record.actor for record in vault.audit_trail()] == ["dpo"]


def test_entries_are_bound_to_their_token(vault, vault_url):
    engine = create_engine(parse_sql_url(vault_url))
    with engine.begin() as connection:
        sealed_b = connection.execute(
            text("SELECT sealed FROM anonymizer_vault_entries WHERE token = 'tok_b'")
        ).scalar_one()
        connection.execute(
            text("UPDATE anonymizer_vault_entries SET sealed = :s WHERE token = 'tok_a'"), {"s": sealed_b}
        )
    engine.dispose()
    with pytest.raises(KeyMaterialError):
        vault.reidentify(["tok_a"], reason="swap test", actor="dpo", keys=KEYS)
    assert vault.audit_trail()[-1].outcome == "wrong_key"


def test_storing_a_token_again_keeps_the_first_entry(vault):
    vault.store(["tok_a", "tok_c"], ["changed@example.com", "cy@example.com"], KEYS.primary("vault"))
    assert vault.entry_count() == 3
    assert vault.reidentify(["tok_a", "tok_c"], reason="r", actor="a", keys=KEYS) == {
        "tok_a": "ann@example.com",
        "tok_c": "cy@example.com",
    }


def test_reencrypt_moves_entries_to_the_new_version_so_the_old_one_can_be_retired(vault):
    rotated = KeyProvider.from_keys({"vault": {1: VAULT_KEY, 2: NEW_VAULT_KEY}})
    assert vault.reencrypt(rotated, "vault", actor="ops") == 2
    assert vault.reencrypt(rotated, "vault", actor="ops") == 0
    retired = KeyProvider.from_keys({"vault": {2: NEW_VAULT_KEY}})
    assert vault.reidentify(["tok_a"], reason="after rotation", actor="dpo", keys=retired) == {
        "tok_a": "ann@example.com"
    }
    records = vault.audit_trail()
    assert [(r.action, r.key_ids, r.detail) for r in records[:2]] == [
        ("reencrypt", ["vault:v1", "vault:v2"], "2 entries re-sealed under vault:v2"),
        ("reencrypt", ["vault:v2"], "0 entries re-sealed under vault:v2"),
    ]
    assert records[2].key_ids == ["vault:v2"]


def test_a_reason_and_an_actor_are_required(vault):
    with pytest.raises(ConfigurationError, match="re-identification needs a reason"):
        vault.reidentify(["tok_a"], reason="  ", actor="dpo", keys=KEYS)
    with pytest.raises(ConfigurationError, match="re-identification needs an actor"):
        vault.reidentify(["tok_a"], reason="r", actor="", keys=KEYS)


def test_the_database_file_holds_no_original_in_clear(tmp_path):
    url = f"sqlite:///{tmp_path / 'vault.sqlite'}"
    vault = Vault(url)
    vault.store(["tok_x"], ["very.secret.person@example.com"], KEYS.primary("vault"))
    vault.dispose()
    assert b"very.secret.person" not in (tmp_path / "vault.sqlite").read_bytes()


def test_an_unreachable_vault_is_a_clear_error_without_its_password():
    with pytest.raises(ConfigurationError) as raised:
        Vault("postgresql://vault:hunter2@127.0.0.1:9/vault")
    assert str(raised.value) == "vault postgresql://vault:***@127.0.0.1:9/vault: cannot open it (OperationalError)"
