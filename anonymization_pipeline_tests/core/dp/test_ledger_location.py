"""The ledger lives with the Dagster instance: an explicit URL, the instance's PostgreSQL, or SQLite beside it."""

from __future__ import annotations

import pytest

from anonymization_pipeline.core.dp import ledger_url_from_environment
from anonymization_pipeline.core.errors import ConfigurationError


def test_an_explicit_url_wins(tmp_path):
    environ = {"ANONYMIZER_LEDGER_URL": "postgresql://ledger@db/ledger", "DAGSTER_HOME": str(tmp_path)}
    assert ledger_url_from_environment(environ) == "postgresql://ledger@db/ledger"


def test_by_default_a_sqlite_file_in_dagster_home(tmp_path):
    assert ledger_url_from_environment({"DAGSTER_HOME": str(tmp_path)}) == f"sqlite:///{tmp_path}/anonymizer_budget.sqlite"


def test_the_instance_postgres_url_is_used_with_the_psycopg_driver(tmp_path):
    (tmp_path / "dagster.yaml").write_text("storage:\n  postgres:\n    postgres_url:\n      env: DAGSTER_POSTGRES_URL\n")
    environ = {"DAGSTER_HOME": str(tmp_path), "DAGSTER_POSTGRES_URL": "postgresql+psycopg2://dagster:pw@db:5432/dagster"}
    assert ledger_url_from_environment(environ) == "postgresql://dagster:pw@db:5432/dagster"


def test_the_instance_postgres_db_settings_are_assembled(tmp_path):
    (tmp_path / "dagster.yaml").write_text(
        "storage:\n  postgres:\n    postgres_db:\n      username: dagster\n      password: {env: PG_PASSWORD}\n"
        "      hostname: db\n      db_name: dagster\n      port: 5433\n"
    )
    environ = {"DAGSTER_HOME": str(tmp_path), "PG_PASSWORD": "s3cret"}
    assert ledger_url_from_environment(environ) == "postgresql://dagster:s3cret@db:5433/dagster"


def test_an_unset_variable_is_one_line_without_the_value(tmp_path):
    (tmp_path / "dagster.yaml").write_text("storage:\n  postgres:\n    postgres_url: {env: DAGSTER_POSTGRES_URL}\n")
    with pytest.raises(ConfigurationError, match="names the environment variable DAGSTER_POSTGRES_URL, which is not set"):
        ledger_url_from_environment({"DAGSTER_HOME": str(tmp_path)})


def test_sqlite_instance_storage_keeps_the_ledger_file(tmp_path):
    (tmp_path / "dagster.yaml").write_text("storage:\n  sqlite:\n    base_dir: {env: DAGSTER_HOME}\n")
    assert ledger_url_from_environment({"DAGSTER_HOME": str(tmp_path)}).endswith("/anonymizer_budget.sqlite")
