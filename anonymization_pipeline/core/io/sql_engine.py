"""Opening a database from a user's SQLAlchemy URL, and saying what went wrong without leaking.

Users write `postgresql://…`; we always drive PostgreSQL through psycopg 3, whatever SQLAlchemy's
default driver is. SQLite's Python driver does not put DDL inside transactions unless told to, so
every SQLite engine here emits its own BEGIN: that is what lets a staging table vanish on rollback.
Messages name the URL with its password hidden and never quote a data value.

Reading is read-only at the database's level, so a query in a policy cannot change anything
(`nextval` advancing a sequence, an `ATTACH` creating a file): SQLite files are opened with
`mode=ro` and may not attach others, and server databases run the read in a READ ONLY
transaction.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from anonymization_pipeline.core.errors import AnonymizerError, ConfigurationError

_PSYCOPG3 = "postgresql+psycopg"
_READ_ONLY_TRANSACTIONS = {"postgresql", "mysql", "mariadb"}
_POSTGRES_NAMES = {"postgres", "postgresql"}
_PASSWORD_IN_TEXT = re.compile(r"(//[^/:@]*:)[^@/]*@")


def parse_sql_url(url: str) -> URL:
    """The SQLAlchemy URL to connect with; plain `postgresql://` is mapped to psycopg 3.

    >>> parse_sql_url("postgresql://postgres@127.0.0.1/test").drivername
    'postgresql+psycopg'
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        shown = _PASSWORD_IN_TEXT.sub(r"\1***@", url)
        raise ConfigurationError(
            f"not a valid SQL URL: '{shown}' (expected e.g. sqlite:///file.db or postgresql://user@host/db)"
        ) from None
    if parsed.drivername in _POSTGRES_NAMES:
        parsed = parsed.set(drivername=_PSYCOPG3)
    try:
        parsed.get_dialect()
    except NoSuchModuleError:
        raise ConfigurationError(
            f"unsupported SQL URL '{display_url(url)}': SQLAlchemy has no dialect '{parsed.drivername}'"
        ) from None
    return parsed


def display_url(url: str) -> str:
    """The URL as it may appear in a message or a report: password replaced by `***`.

    >>> display_url("postgresql://me:secret@db/prod")
    'postgresql://me:***@db/prod'
    """
    try:
        parsed = make_url(url)
        return url if parsed.password is None else parsed.render_as_string(hide_password=True)
    except ArgumentError:
        return _PASSWORD_IN_TEXT.sub(r"\1***@", url)


def sqlite_file(url: str) -> Path | None:
    """The database file behind a SQLite URL, or None for other databases and in-memory SQLite.

    >>> sqlite_file("sqlite:////data/users.db")
    PosixPath('/data/users.db')
    """
    parsed = parse_sql_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def open_engine(url: str, read_only: bool = False) -> Engine:
    """An engine without a pool (each read or write owns its connection); dispose it when done.
    With `read_only`, a SQLite file is opened read-only and cannot attach other databases.

    >>> open_engine("sqlite://").dialect.name
    'sqlite'
    """
    target = parse_sql_url(url)
    database_file = sqlite_file(url)
    if read_only and database_file is not None:
        target = target.set(database=f"file:{quote(str(database_file))}?mode=ro", query={"uri": "true"})
    try:
        engine = create_engine(target, poolclass=NullPool)
    except ImportError as error:
        raise ConfigurationError(
            f"the database driver for '{display_url(url)}' is not installed ({error.name or error})"
        ) from None
    if engine.dialect.name == "sqlite" and engine.dialect.driver == "pysqlite":
        event.listen(engine, "connect", _leave_transactions_to_sqlalchemy)
        event.listen(engine, "begin", _begin_explicitly)
        if read_only:
            event.listen(engine, "connect", _refuse_attaching)
    return engine


def begin_read_only(connection: Connection) -> None:
    """Make the connection's transaction read-only before anything else runs in it."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA query_only = ON")
    elif connection.dialect.name in _READ_ONLY_TRANSACTIONS:
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")


def _refuse_attaching(dbapi_connection, _connection_record) -> None:
    def authorize(action: int, *_details) -> int:
        return sqlite3.SQLITE_DENY if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH) else sqlite3.SQLITE_OK

    dbapi_connection.set_authorizer(authorize)


def connect(engine: Engine, url: str, error_class: type[AnonymizerError]) -> Connection:
    """A connection, or `error_class` with the database's own reason (host, port, database, user).

    >>> with connect(open_engine("sqlite://"), "sqlite://", ConfigurationError) as connection:
    ...     connection.exec_driver_sql("SELECT 1").scalar()
    1
    """
    try:
        return engine.connect()
    except DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else type(error.orig).__name__
        raise error_class(f"cannot connect to {display_url(url)}: {reason}") from None


def database_problem(error: SQLAlchemyError) -> str:
    """Why a statement failed, in words that carry no data value.

    SQLite's messages name tables and columns only, so they are passed on. Server messages can
    quote a rejected value (`invalid input syntax for type integer: "…"`), so for those only the
    error class and SQLSTATE are given.

    >>> database_problem(SQLAlchemyError())
    'SQLAlchemyError'
    """
    original = getattr(error, "orig", None)
    if original is None:
        return type(error).__name__
    if type(original).__module__.startswith("sqlite3"):
        lines = str(original).strip().splitlines()
        return lines[0] if lines else type(original).__name__
    sqlstate = getattr(original, "sqlstate", None)
    return f"{type(original).__name__} (SQLSTATE {sqlstate})" if sqlstate else type(original).__name__


def _leave_transactions_to_sqlalchemy(dbapi_connection, _connection_record) -> None:
    dbapi_connection.isolation_level = None


def _begin_explicitly(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")
