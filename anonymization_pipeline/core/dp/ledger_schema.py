"""The budget ledger's two tables, and the triggers that keep its history append-only.

`anonymizer_dp_ledger`: one row per release (or per reset), in the order spends were reserved.
Only a row's `status` and `settled_at` ever change, and only from `reserved` to `committed` or
`aborted`; triggers refuse every other UPDATE, and every DELETE.
`anonymizer_dp_budget_audit`: one row per budget reset, with who, when and why; append-only.
"""

from __future__ import annotations

from sqlalchemy import DDL, Column, DateTime, Float, Index, Integer, MetaData, String, Table, Text, event

metadata = MetaData()

RESERVED, COMMITTED, ABORTED, RESET = "reserved", "committed", "aborted", "reset"

ledger = Table(
    "anonymizer_dp_ledger",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset", String(255), nullable=False),
    Column("period", String(20), nullable=False),
    Column("queries", Text, nullable=False),
    Column("epsilon", Float, nullable=False),
    Column("delta", Float, nullable=False),
    Column("run_id", String(255), nullable=False),
    Column("digest", String(64), nullable=True),
    Column("status", String(20), nullable=False),
    Column("reserved_at", DateTime(timezone=True), nullable=False),
    Column("settled_at", DateTime(timezone=True), nullable=True),
    Index("anonymizer_dp_ledger_dataset_period", "dataset", "period"),
)

audit = Table(
    "anonymizer_dp_budget_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(255), nullable=False),
    Column("action", String(20), nullable=False),
    Column("dataset", String(255), nullable=False),
    Column("period", String(20), nullable=False),
    Column("reason", Text, nullable=False),
    Column("detail", Text, nullable=False),
)

_LEDGER_REFUSAL = "the budget ledger only settles reservations"
_AUDIT_REFUSAL = "the budget audit is append-only"

_SQLITE_TRIGGERS = [
    "CREATE TRIGGER anonymizer_dp_ledger_settle_only BEFORE UPDATE ON anonymizer_dp_ledger "
    "WHEN OLD.status <> 'reserved' OR NEW.status NOT IN ('committed', 'aborted') "
    "OR NEW.id <> OLD.id OR NEW.dataset <> OLD.dataset OR NEW.period <> OLD.period OR NEW.epsilon <> OLD.epsilon "
    "OR NEW.delta <> OLD.delta OR NEW.queries <> OLD.queries OR NEW.run_id <> OLD.run_id "
    f"BEGIN SELECT RAISE(ABORT, '{_LEDGER_REFUSAL}'); END",
    f"CREATE TRIGGER anonymizer_dp_ledger_no_delete BEFORE DELETE ON anonymizer_dp_ledger BEGIN SELECT RAISE(ABORT, '{_LEDGER_REFUSAL}'); END",
    f"CREATE TRIGGER anonymizer_dp_budget_audit_no_update BEFORE UPDATE ON anonymizer_dp_budget_audit BEGIN SELECT RAISE(ABORT, '{_AUDIT_REFUSAL}'); END",
    f"CREATE TRIGGER anonymizer_dp_budget_audit_no_delete BEFORE DELETE ON anonymizer_dp_budget_audit BEGIN SELECT RAISE(ABORT, '{_AUDIT_REFUSAL}'); END",
]

_POSTGRES_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION anonymizer_dp_ledger_settle_only() RETURNS trigger AS $$ BEGIN "
    "IF TG_OP = 'UPDATE' AND OLD.status = 'reserved' AND NEW.status IN ('committed', 'aborted') "
    "AND NEW.id = OLD.id AND NEW.dataset = OLD.dataset AND NEW.period = OLD.period AND NEW.epsilon = OLD.epsilon "
    "AND NEW.delta = OLD.delta AND NEW.queries = OLD.queries AND NEW.run_id = OLD.run_id THEN RETURN NEW; END IF; "
    f"RAISE EXCEPTION '{_LEDGER_REFUSAL}'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER anonymizer_dp_ledger_settle_only BEFORE UPDATE OR DELETE ON anonymizer_dp_ledger "
    "FOR EACH ROW EXECUTE FUNCTION anonymizer_dp_ledger_settle_only()",
    "CREATE TRIGGER anonymizer_dp_ledger_no_truncate BEFORE TRUNCATE ON anonymizer_dp_ledger "
    "FOR EACH STATEMENT EXECUTE FUNCTION anonymizer_dp_ledger_settle_only()",
    "CREATE OR REPLACE FUNCTION anonymizer_dp_budget_audit_refuse() RETURNS trigger AS $$ "
    f"BEGIN RAISE EXCEPTION '{_AUDIT_REFUSAL}'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER anonymizer_dp_budget_audit_no_change BEFORE UPDATE OR DELETE ON anonymizer_dp_budget_audit "
    "FOR EACH ROW EXECUTE FUNCTION anonymizer_dp_budget_audit_refuse()",
    "CREATE TRIGGER anonymizer_dp_budget_audit_no_truncate BEFORE TRUNCATE ON anonymizer_dp_budget_audit "
    "FOR EACH STATEMENT EXECUTE FUNCTION anonymizer_dp_budget_audit_refuse()",
]

for _statement in _SQLITE_TRIGGERS:
    _table = audit if "budget_audit" in _statement else ledger
    event.listen(_table, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in _POSTGRES_TRIGGERS:
    _table = audit if "budget_audit" in _statement else ledger
    event.listen(_table, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
