"""The re-identification vault: pseudonym token → original value, sealed, with an audit trail.

Only `Vault.reidentify` turns tokens back into values, and it writes its audit record (who, when,
why, which tokens, with which key ids) before it returns anything; a failed attempt (unknown token,
missing key, wrong key) is recorded too, then raised. The vault key is never stored: entries name
the key id they were sealed with (`vault:v1`), so rotation and re-encryption work per entry.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

import numpy as np
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, bindparam, create_engine, func, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from anonymization_pipeline.core.errors import ConfigurationError, InputDataError, KeyMaterialError, OutputError
from anonymization_pipeline.core.io.sql_engine import database_problem, display_url, parse_sql_url
from anonymization_pipeline.core.keys import Key, KeyProvider, parse_key_id
from anonymization_pipeline.core.vault.schema import INSERT_ENTRY, audit, entries, metadata

VAULT_URL_VARIABLE = "ANONYMIZER_VAULT_URL"
DEFAULT_VAULT_URL = "sqlite:///anonymizer_vault.sqlite"
DEFAULT_VAULT_KEY = "vault"
SEALING_PURPOSE = "vault:aes-256-gcm"
NONCE_BYTES = 12
_BATCH = 20_000


def vault_url_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """`ANONYMIZER_VAULT_URL`, else a SQLite file `anonymizer_vault.sqlite` in the working directory.

    >>> vault_url_from_environment({"ANONYMIZER_VAULT_URL": "postgresql://vault@db/vault"})
    'postgresql://vault@db/vault'
    """
    environ = os.environ if environ is None else environ
    return environ.get(VAULT_URL_VARIABLE) or DEFAULT_VAULT_URL


@dataclass(frozen=True)
class AuditRecord:
    """One line of the vault's audit trail. Tokens are pseudonyms, safe to show; originals never appear."""

    id: int
    at: datetime
    actor: str
    action: str
    reason: str
    tokens: list[str]
    key_ids: list[str]
    outcome: str
    detail: str


class Vault:
    """A vault in a SQL database (SQLite file by default, PostgreSQL by URL); tables are created on first use.

    >>> vault = Vault("sqlite://")
    >>> keys = KeyProvider.from_keys({"vault": bytes(32)})
    >>> vault.store(["tok_1"], ["alice@example.com"], keys.primary("vault"), field="email")
    1
    >>> vault.reidentify(["tok_1"], reason="ticket 42", actor="dpo", keys=keys)
    {'tok_1': 'alice@example.com'}
    """

    def __init__(self, url: str):
        self._engine: Engine = create_engine(parse_sql_url(url))
        self._url = display_url(url)
        if self._engine.dialect.name not in ("sqlite", "postgresql"):
            raise ConfigurationError(
                f"vault {self._url}: the vault supports SQLite and PostgreSQL, not {self._engine.dialect.name}"
            )
        try:
            metadata.create_all(self._engine)
        except SQLAlchemyError as error:
            raise ConfigurationError(f"vault {self._url}: cannot open it ({database_problem(error)})") from None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Vault:
        """The vault named by `ANONYMIZER_VAULT_URL` (default: SQLite file in the working directory)."""
        return cls(vault_url_from_environment(environ))

    def store(self, tokens: Sequence[str], originals: Sequence[str], key: Key, field: str | None = None) -> int:
        """Seal each original under `key` and keep it under its token; tokens already stored are left as they are.

        Returns the number of tokens handed in (each is in the vault afterwards).
        """
        if len(tokens) != len(originals):
            raise InputDataError(
                f"the vault needs one original per token, got {len(tokens)} tokens and {len(originals)} originals"
            )
        sealer = AESGCM(key.derive(SEALING_PURPOSE))
        insert = text(INSERT_ENTRY)
        key_id = key.key_id
        with self._engine.begin() as connection:
            for start in range(0, len(tokens), _BATCH):
                batch_tokens = tokens[start : start + _BATCH]
                sealed = _seal_all(sealer, batch_tokens, originals[start : start + _BATCH])
                rows = [
                    {"token": token, "key_id": key_id, "sealed": blob, "field": field}
                    for token, blob in zip(batch_tokens, sealed, strict=True)
                ]
                connection.execute(insert, rows)
        return len(tokens)

    def reidentify(
        self, tokens: Sequence[str], *, reason: str, actor: str, keys: KeyProvider | Callable[[], KeyProvider]
    ) -> dict[str, str]:
        """The original of every token, after recording who asked, when and why. All or nothing.

        `keys` is the key provider, or a function that loads it, so that a key source that fails
        to load (missing file, wrong permissions) is recorded like any other failed attempt.
        Raises InputDataError when a token is not in the vault, KeyMaterialError when the key an
        entry was sealed with is missing or wrong; each failure is recorded before it is raised.
        """
        reason, actor = _required_text(reason, "a reason"), _required_text(actor, "an actor")
        wanted = list(dict.fromkeys(tokens))
        if not wanted:
            raise ConfigurationError("give at least one token to re-identify")
        attempt = {"actor": actor, "action": "reidentify", "reason": reason, "tokens": wanted}
        found = self._entries(wanted)
        key_ids = sorted({row.key_id for row in found.values()})
        missing = [token for token in wanted if token not in found]
        if missing:
            positions = [str(wanted.index(token) + 1) for token in missing[:5]]
            detail = f"{len(missing)} of {len(wanted)} tokens are not in the vault (token no. {', '.join(positions)})"
            self._record(**attempt, key_ids=key_ids, outcome="unknown_tokens", detail=detail)
            raise InputDataError(f"nothing re-identified: {detail}")
        try:
            provider = keys() if callable(keys) else keys
            openers = {key_id: AESGCM(provider.by_id(key_id).derive(SEALING_PURPOSE)) for key_id in key_ids}
        except KeyMaterialError as error:
            self._record(**attempt, key_ids=key_ids, outcome="key_missing", detail=str(error))
            raise
        try:
            originals = {token: _open(openers[row.key_id], token, row.sealed) for token, row in found.items()}
        except InvalidTag:
            detail = f"the key {', '.join(key_ids)} from the key provider does not open these entries (wrong key)"
            self._record(**attempt, key_ids=key_ids, outcome="wrong_key", detail=detail)
            raise KeyMaterialError(f"nothing re-identified: {detail}") from None
        self._record(**attempt, key_ids=key_ids, outcome="ok", detail=f"{len(wanted)} tokens re-identified")
        return {token: originals[token] for token in wanted}

    def reencrypt(self, keys: KeyProvider, key_name: str = DEFAULT_VAULT_KEY, *, actor: str) -> int:
        """Re-seal every entry sealed with an older version of `key_name` under its primary version.

        Returns the number of entries re-sealed; the operation is recorded in the audit trail.
        """
        target = keys.primary(key_name)
        sealer = AESGCM(target.derive(SEALING_PURPOSE))
        with self._engine.begin() as connection:
            rows = connection.execute(select(entries.c.token, entries.c.key_id, entries.c.sealed)).all()
            stale = [row for row in rows if parse_key_id(row.key_id)[0] == key_name and row.key_id != target.key_id]
            openers = {kid: AESGCM(keys.by_id(kid).derive(SEALING_PURPOSE)) for kid in {r.key_id for r in stale}}
            try:
                originals = [_open(openers[row.key_id], row.token, row.sealed) for row in stale]
            except InvalidTag:
                raise KeyMaterialError(
                    f"a key of '{key_name}' does not open the vault entries sealed with it (wrong key); "
                    "nothing re-encrypted"
                ) from None
            tokens = [row.token for row in stale]
            resealed = [
                {"entry_token": token, "new_sealed": sealed}
                for token, sealed in zip(tokens, _seal_all(sealer, tokens, originals), strict=True)
            ]
            if resealed:
                connection.execute(
                    update(entries)
                    .where(entries.c.token == bindparam("entry_token"))
                    .values(key_id=target.key_id, sealed=bindparam("new_sealed")),
                    resealed,
                )
            moved = len(resealed)
            old_ids = sorted(openers)
            connection.execute(
                audit.insert().values(
                    **_audit_values(
                        actor=_required_text(actor, "an actor"),
                        action="reencrypt",
                        reason="key rotation",
                        tokens=[],
                        key_ids=[*old_ids, target.key_id],
                        outcome="ok",
                        detail=f"{moved} entries re-sealed under {target.key_id}",
                    )
                )
            )
        return moved

    def audit_trail(self) -> list[AuditRecord]:
        """Every audit record, oldest first."""
        with self._engine.connect() as connection:
            rows = connection.execute(select(audit).order_by(audit.c.id)).all()
        return [
            AuditRecord(
                id=row.id,
                at=row.at,
                actor=row.actor,
                action=row.action,
                reason=row.reason,
                tokens=json.loads(row.tokens),
                key_ids=json.loads(row.key_ids),
                outcome=row.outcome,
                detail=row.detail,
            )
            for row in rows
        ]

    def entry_count(self) -> int:
        """How many tokens the vault holds."""
        with self._engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(entries)).scalar_one())

    def dispose(self) -> None:
        """Close the vault's database connections."""
        self._engine.dispose()

    def __repr__(self) -> str:
        return f"Vault({self._url!r})"

    def _entries(self, tokens: list[str]) -> dict[str, Any]:
        found = {}
        with self._engine.connect() as connection:
            for batch in _batches(iter(tokens)):
                query = select(entries.c.token, entries.c.key_id, entries.c.sealed).where(entries.c.token.in_(batch))
                found.update({row.token: row for row in connection.execute(query)})
        return found

    def _record(self, **values: Any) -> None:
        try:
            with self._engine.begin() as connection:
                connection.execute(audit.insert().values(**_audit_values(**values)))
        except SQLAlchemyError as error:
            raise OutputError(
                f"vault {self._url}: cannot write the audit record ({database_problem(error)}); nothing re-identified"
            ) from None


def _audit_values(
    *, actor: str, action: str, reason: str, tokens: list[str], key_ids: list[str], outcome: str, detail: str
) -> dict[str, Any]:
    return {
        "at": datetime.now(UTC),
        "actor": actor,
        "action": action,
        "reason": reason,
        "tokens": json.dumps(tokens),
        "key_ids": json.dumps(key_ids),
        "outcome": outcome,
        "detail": detail,
    }


def _seal_all(sealer: AESGCM, tokens: Sequence[str], originals: Sequence[str]) -> list[bytes]:
    """nonce ‖ AES-GCM(original, associated data = token) for many values, in C calls mapped over them."""
    nonces = np.frombuffer(os.urandom(NONCE_BYTES * len(tokens)), dtype=f"V{NONCE_BYTES}").tolist()
    plain = map(str.encode, originals)
    bound = map(str.encode, tokens)
    return list(map(bytes.__add__, nonces, map(sealer.encrypt, nonces, plain, bound)))


def _open(opener: AESGCM, token: str, sealed: bytes) -> str:
    return opener.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], token.encode("utf-8")).decode("utf-8")


def _batches(items: Iterator[Any]) -> Iterator[list[Any]]:
    while batch := list(islice(items, _BATCH)):
        yield batch


def _required_text(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"re-identification needs {what}")
    return value.strip()
