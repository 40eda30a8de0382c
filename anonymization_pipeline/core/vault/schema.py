"""The vault's two tables, and the database triggers that make its audit table append-only.

`anonymizer_vault_entries`: one row per pseudonym token with its original value sealed by
AES-256-GCM (nonce ‖ ciphertext, the token as associated data so that entries cannot be swapped).
`anonymizer_vault_audit`: one row per re-identification attempt or re-encryption, successful or
not. Triggers refuse UPDATE and DELETE on it (and TRUNCATE on PostgreSQL); a database owner can
still drop them, so grant the pipeline's role INSERT and SELECT only where that matters.
"""

from __future__ import annotations

from sqlalchemy import DDL, Column, DateTime, Integer, LargeBinary, MetaData, String, Table, Text, event, func

metadata = MetaData()

# Both SQLite (3.24+) and PostgreSQL read this upsert; plain text spares SQLAlchemy's per-row work.
INSERT_ENTRY = (
    "INSERT INTO anonymizer_vault_entries (token, key_id, sealed, field) "
    "VALUES (:token, :key_id, :sealed, :field) ON CONFLICT (token) DO NOTHING"
)

entries = Table(
    "anonymizer_vault_entries",
    metadata,
    Column("token", String(255), primary_key=True),
    Column("key_id", String(100), nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    Column("field", String(255), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

audit = Table(
    "anonymizer_vault_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(255), nullable=False),
    Column("action", String(20), nullable=False),
    Column("reason", Text, nullable=False),
    Column("tokens", Text, nullable=False),
    Column("key_ids", Text, nullable=False),
    Column("outcome", String(30), nullable=False),
    Column("detail", Text, nullable=False),
)

_REFUSAL = "the vault audit is append-only"

for _operation in ("UPDATE", "DELETE"):
    event.listen(
        audit,
        "after_create",
        DDL(
            f"CREATE TRIGGER anonymizer_vault_audit_no_{_operation.lower()} BEFORE {_operation} "
            f"ON anonymizer_vault_audit BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END"
        ).execute_if(dialect="sqlite"),
    )

event.listen(
    audit,
    "after_create",
    DDL(
        "CREATE OR REPLACE FUNCTION anonymizer_vault_audit_refuse() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{_REFUSAL}'; END; $$ LANGUAGE plpgsql"
    ).execute_if(dialect="postgresql"),
)
event.listen(
    audit,
    "after_create",
    DDL(
        "CREATE TRIGGER anonymizer_vault_audit_no_change BEFORE UPDATE OR DELETE ON anonymizer_vault_audit "
        "FOR EACH ROW EXECUTE FUNCTION anonymizer_vault_audit_refuse()"
    ).execute_if(dialect="postgresql"),
)
event.listen(
    audit,
    "after_create",
    DDL(
        "CREATE TRIGGER anonymizer_vault_audit_no_truncate BEFORE TRUNCATE ON anonymizer_vault_audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION anonymizer_vault_audit_refuse()"
    ).execute_if(dialect="postgresql"),
)
