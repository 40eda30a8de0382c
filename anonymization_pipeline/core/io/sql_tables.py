"""Reading and writing database tables through SQLAlchemy (SQLite files, PostgreSQL by URL).

Reads stream through a server-side cursor (`stream_results`, `yield_per`), so a large table is
never held whole by the driver. A table's declared column types decide each column's type in
every batch (integers stay integers with NULLs as NA); a query's result types are inferred.

Writes never expose a half-written table: the rows go into a uniquely named staging table (by
COPY on PostgreSQL, by INSERTs elsewhere), then the old table is dropped and the staging table
renamed in its place, all inside one transaction. If anything fails the transaction rolls back:
the previous table is intact and no staging table remains (SQLite and PostgreSQL both have
transactional DDL). The table is replaced whole, so indexes, grants and constraints of the
previous table are not carried over.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterator, Sequence

import pandas as pd
import pyarrow as pa
from sqlalchemy import Connection, MetaData, Table, select, text
from sqlalchemy.exc import NoSuchTableError, SQLAlchemyError
from sqlalchemy.schema import DropTable
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.selectable import Select
from sqlalchemy.types import DateTime, TypeEngine

from anonymization_pipeline.core.errors import ConfigurationError, InputDataError, OutputError
from anonymization_pipeline.core.io.arrow_batches import arrow_to_frame
from anonymization_pipeline.core.io.locations import describe_location
from anonymization_pipeline.core.io.postgres_copy import copy_rows, copyable
from anonymization_pipeline.core.io.sql_engine import (
    begin_read_only,
    connect,
    database_problem,
    display_url,
    open_engine,
    sqlite_file,
)
from anonymization_pipeline.core.policy.model import SqlLocation

DayFilter = tuple[str, datetime.date]
"""A date column and the day its rows must fall on."""

_ARROW_TYPES: dict[type, pa.DataType] = {
    bool: pa.bool_(),
    int: pa.int64(),
    float: pa.float64(),
    str: pa.string(),
    bytes: pa.binary(),
    datetime.date: pa.date32(),
}


def iter_sql_batches(location: SqlLocation, batch_size: int, day: DayFilter | None = None) -> Iterator[pd.DataFrame]:
    """Frames of `batch_size` rows from `location.table` or `location.query`; with `day`, only
    the table's rows whose date column falls on that day.

    >>> loc = SqlLocation(format="sql", url="sqlite:////data/x.db", table="users")
    >>> next(iter_sql_batches(loc, 1000)).shape  # doctest: +SKIP
    (1000, 7)
    """
    database_file = sqlite_file(location.url)
    if database_file is not None and not database_file.is_file():
        raise InputDataError(f"SQLite database file not found: {database_file}")
    return _batches(location, batch_size, day)


def write_sql(frame: pd.DataFrame, location: SqlLocation) -> None:
    """Replace `location.table` with `frame` in one transaction, through a staging table.

    >>> write_sql(frame, SqlLocation(format="sql", url="sqlite:////out/x.db", table="users"))  # doctest: +SKIP
    """
    if location.table is None:
        raise ConfigurationError(f"a SQL output needs 'table', not 'query' ({display_url(location.url)})")
    database_file = sqlite_file(location.url)
    if database_file is not None:
        try:
            database_file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OutputError(f"cannot create the folder of {database_file}: {error.strerror}") from None
    schema, name = _split_table_name(location.table)
    engine = open_engine(location.url)
    try:
        with connect(engine, location.url, OutputError) as connection, connection.begin():
            staging = f"anonymizer_staging_{uuid.uuid4().hex}"
            _load(connection, frame, staging, schema, location.batch_size)
            _swap_in(connection, staging, name, schema)
    except SQLAlchemyError as error:
        raise OutputError(
            f"cannot write {describe_location(location)}: {database_problem(error)}; the previous table is unchanged"
        ) from None
    finally:
        engine.dispose()


def _batches(location: SqlLocation, batch_size: int, day: DayFilter | None) -> Iterator[pd.DataFrame]:
    where = describe_location(location)
    engine = open_engine(location.url, read_only=True)
    try:
        with connect(engine, location.url, InputDataError) as connection:
            begin_read_only(connection)
            statement, declared = _statement(connection, location, day)
            arrow_types = {name: _arrow_type(sql_type) for name, sql_type in declared.items()}
            streaming = connection.execution_options(stream_results=True, yield_per=batch_size)
            result = streaming.execute(statement)
            names = list(result.keys())
            for rows in result.partitions(batch_size):
                table = _rows_to_table(rows, names, arrow_types, declared, where)
                _keep_inferred_types(table.schema, arrow_types)
                yield arrow_to_frame(table)
    except SQLAlchemyError as error:
        raise InputDataError(f"cannot read {where}: {database_problem(error)}") from None
    finally:
        engine.dispose()


def _statement(
    connection: Connection, location: SqlLocation, day: DayFilter | None
) -> tuple[Select | TextClause, dict[str, TypeEngine]]:
    """The SELECT to run, and the declared type of each column when reading a table."""
    if location.table is None:
        return text(location.query), {}
    schema, name = _split_table_name(location.table)
    try:
        table = Table(name, MetaData(), schema=schema, autoload_with=connection)
    except NoSuchTableError:
        raise InputDataError(f"table '{location.table}' not found in {display_url(location.url)}") from None
    statement = select(table)
    if day is not None:
        statement = statement.where(*_on_day(table, day, location))
    return statement, {column.name: column.type for column in table.columns}


def _on_day(table: Table, day: DayFilter, location: SqlLocation) -> tuple:
    """`column >= day AND column < day + 1`: works for DATE and TIMESTAMP columns, and for ISO
    text (SQLite's usual dates), which is compared as text. Days are UTC days, as the partitions
    are: a time-zone-aware column is compared with UTC midnights, whatever the session's zone.
    Rows whose date is NULL belong to no day and are never read."""
    column_name, start = day
    if column_name not in table.columns:
        raise InputDataError(f"{describe_location(location)} has no date column '{column_name}'")
    column = table.columns[column_name]
    bounds = (start, start + datetime.timedelta(days=1))
    kind = _python_type(column.type)
    if kind is str:
        bounds = tuple(bound.isoformat() for bound in bounds)
    elif kind is datetime.datetime:
        zone = datetime.UTC if getattr(column.type, "timezone", False) else None
        bounds = tuple(datetime.datetime.combine(bound, datetime.time(), zone) for bound in bounds)
    return column >= bounds[0], column < bounds[1]


def _python_type(sql_type: TypeEngine) -> type | None:
    try:
        return sql_type.python_type
    except NotImplementedError:
        return None


def _rows_to_table(
    rows: Sequence,
    names: list[str],
    arrow_types: dict[str, pa.DataType | None],
    declared: dict[str, TypeEngine],
    where: str,
) -> pa.Table:
    arrays = []
    for name, values in zip(names, zip(*rows)):
        try:
            arrays.append(pa.array(values, type=arrow_types.get(name)))
        except (pa.ArrowException, OverflowError):
            problem = (
                f"that do not fit its declared type {declared[name]}"
                if name in declared
                else "of more than one type; cast it in the query"
            )
            raise InputDataError(f"cannot read {where}: column '{name}' holds values {problem}") from None
    return pa.Table.from_arrays(arrays, names=names)


def _keep_inferred_types(schema: pa.Schema, arrow_types: dict[str, pa.DataType | None]) -> None:
    """A column whose type was inferred keeps it in later batches (an all-NULL batch included)."""
    for field in schema:
        if arrow_types.get(field.name) is None and not pa.types.is_null(field.type):
            arrow_types[field.name] = field.type


def _arrow_type(sql_type: TypeEngine | None) -> pa.DataType | None:
    """The Arrow type for a declared SQL type; None lets Arrow infer it (queries, exotic types)."""
    python_type = None if sql_type is None else _python_type(sql_type)
    if python_type is None:
        return None
    if python_type is datetime.datetime:
        return pa.timestamp("us", tz="UTC" if isinstance(sql_type, DateTime) and sql_type.timezone else None)
    if python_type is decimal.Decimal:
        return None
    return _ARROW_TYPES.get(python_type)


def _load(connection: Connection, frame: pd.DataFrame, staging: str, schema: str | None, batch_size: int) -> None:
    """Create the staging table with pandas' column types and fill it: COPY on psycopg, else INSERTs."""
    table = _as_arrow(frame) if connection.dialect.driver == "psycopg" else None
    if table is None or not copyable(table):
        frame.to_sql(staging, connection, schema=schema, index=False, chunksize=batch_size)
        return

    def copy_everything(_pandas_table, pandas_connection, _keys, _rows) -> None:
        copy_rows(pandas_connection, table, staging, schema, batch_size)

    # pandas creates the table (column types inferred from the whole frame); without a chunksize
    # it calls the insert method once, for all rows.
    frame.to_sql(staging, connection, schema=schema, index=False, method=copy_everything)


def _as_arrow(frame: pd.DataFrame) -> pa.Table | None:
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except pa.ArrowException:
        return None


def _swap_in(connection: Connection, staging: str, name: str, schema: str | None) -> None:
    """Drop the old table and rename the staging table to its name (same transaction as the load)."""
    quote = connection.dialect.identifier_preparer  # quotes, and escapes `%` as the driver needs
    connection.execute(DropTable(Table(name, MetaData(), schema=schema), if_exists=True))
    staging_table = quote.format_table(Table(staging, MetaData(), schema=schema))
    connection.exec_driver_sql(f"ALTER TABLE {staging_table} RENAME TO {quote.quote(name)}")


def _split_table_name(table: str) -> tuple[str | None, str]:
    """`schema.table` names a table in a schema (PostgreSQL) or attached database (SQLite)."""
    schema, _, name = table.rpartition(".")
    return schema or None, name
