"""Real databases for the I/O tests: a SQLite file per test, and PostgreSQL when its URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table, create_engine, inspect
from sqlalchemy.pool import NullPool
from sqlalchemy.schema import DropTable

from anonymization_pipeline.core.io.sql_engine import parse_sql_url

POSTGRES_URL_VARIABLE = "ANONYMIZER_TEST_POSTGRES_URL"
STAGING_PREFIX = "anonymizer_staging_"


@dataclass
class Database:
    """A database under test and a table name no other test uses."""

    url: str
    table: str

    def location_uri(self, table: str | None = None) -> str:
        return f"{self.url}#{table or self.table}"

    def table_names(self) -> set[str]:
        engine = create_engine(parse_sql_url(self.url), poolclass=NullPool)
        try:
            return set(inspect(engine).get_table_names())
        finally:
            engine.dispose()

    def staging_tables(self) -> set[str]:
        return {name for name in self.table_names() if name.startswith(STAGING_PREFIX)}

    def drop(self, names: set[str]) -> None:
        engine = create_engine(parse_sql_url(self.url), poolclass=NullPool)
        try:
            with engine.begin() as connection:
                for name in names:
                    connection.execute(DropTable(Table(name, MetaData()), if_exists=True))
        finally:
            engine.dispose()


def _postgres_url_or_skip() -> str:
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set: PostgreSQL I/O tests not run")
    return url


@pytest.fixture
def postgres_url() -> str:
    """The test server's URL; the test is skipped, with the reason shown, when it is not set."""
    return _postgres_url_or_skip()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """Each SQL test runs on a fresh SQLite file and on PostgreSQL; PostgreSQL tables are dropped after."""
    table = f"io_test_{uuid.uuid4().hex[:12]}"
    if request.param == "sqlite":
        yield Database(f"sqlite:///{tmp_path / 'data.db'}", table)
        return
    database = Database(_postgres_url_or_skip(), table)
    staging_before = database.staging_tables()
    yield database
    ours = {name for name in database.table_names() if name.startswith(table)}
    database.drop(ours | (database.staging_tables() - staging_before))
