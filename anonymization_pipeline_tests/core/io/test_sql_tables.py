import sqlite3
import uuid

import pandas as pd
import psycopg
import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from anonymization_pipeline.core.errors import ConfigurationError, InputDataError, OutputError
from anonymization_pipeline.core.io import iter_batches, parse_location, read_table, write_table
from anonymization_pipeline.core.io.sql_engine import parse_sql_url
from anonymization_pipeline.core.policy.model import SqlLocation

TYPED = pd.DataFrame(
    {
        "zip": pd.Series(["01234", None, "00501"], dtype="str"),
        "name": pd.Series(['Zoë "Z"; Müller', "line\r\nbreak", "Ng, Li"], dtype="str"),
        "age": pd.Series([34, 51, 7], dtype="int64"),
        "visits": pd.Series([3, None, 1], dtype="Int64"),
        "income": [52_000.5, None, 0.0],
        "consent": pd.Series([True, None, False], dtype="boolean"),
        "seen": pd.to_datetime(["2024-01-31 12:00", None, "1999-12-31"], format="ISO8601"),
    }
)


def test_round_trip_keeps_column_types_with_nullable_integers(database):
    location = parse_location(database.location_uri())
    write_table(TYPED, location)
    expected = TYPED.astype({"age": "Int64"})
    pd.testing.assert_frame_equal(read_table(location), expected)
    assert database.staging_tables() == set()


def test_empty_text_stays_distinct_from_missing(database):
    frame = pd.DataFrame({"note": pd.Series(["", None, '""', ","], dtype="str")})
    location = parse_location(database.location_uri())
    write_table(frame, location)
    back = read_table(location)["note"]
    assert back[[0, 2, 3]].tolist() == ["", '""', ","] and pd.isna(back[1])


def test_writing_again_replaces_the_table(database):
    location = parse_location(database.location_uri())
    write_table(TYPED, location)
    replacement = pd.DataFrame({"other": pd.Series(["x"], dtype="str")})
    write_table(replacement, location)
    pd.testing.assert_frame_equal(read_table(location), replacement)
    assert database.staging_tables() == set()


def test_names_that_need_quoting_and_schema_qualified_names(database):
    odd = f'{database.table} Odd "Name" 100%:x'
    frame = pd.DataFrame({'Zip "Code" 5%:x': pd.Series(["01234"], dtype="str"), "Age": [3]})
    write_table(frame, parse_location(database.location_uri(odd)))
    assert odd in database.table_names()
    pd.testing.assert_frame_equal(read_table(parse_location(database.location_uri(odd))), frame.astype({"Age": "Int64"}))
    schema = "main" if database.url.startswith("sqlite") else "public"
    qualified = parse_location(database.location_uri(f"{schema}.{database.table}"))
    write_table(TYPED, qualified)
    pd.testing.assert_frame_equal(read_table(parse_location(database.location_uri())), read_table(qualified))


def test_batches_stream_and_match_a_full_read(database):
    frame = pd.DataFrame({"id": pd.array(range(2_500), dtype="Int64"), "zip": [f"{i:05d}" for i in range(2_500)]})
    frame["zip"] = frame["zip"].astype("str")
    location = SqlLocation(format="sql", url=database.url, table=database.table, batch_size=700)
    write_table(frame, location)
    assert [len(batch) for batch in iter_batches(location)] == [700, 700, 700, 400]
    batches = list(iter_batches(location, 1_000))
    assert [len(batch) for batch in batches] == [1_000, 1_000, 500]
    assert all(batch.index.equals(pd.RangeIndex(len(batch))) for batch in batches)
    pd.testing.assert_frame_equal(pd.concat(batches, ignore_index=True), frame)
    pd.testing.assert_frame_equal(read_table(location), frame)


def test_a_query_is_read_with_inferred_types(database):
    write_table(TYPED, parse_location(database.location_uri()))
    query = f'SELECT zip, age FROM "{database.table}" WHERE age > 10 ORDER BY age'
    location = SqlLocation(format="sql", url=database.url, query=query)
    frame = read_table(location)
    assert frame["zip"].tolist()[0] == "01234" and pd.isna(frame["zip"][1])
    assert frame["age"].tolist() == [34, 51]
    assert [batch.dtypes.tolist() for batch in iter_batches(location, 1)] == [["str", "Int64"]] * 2


def _fail_after_the_first_chunk(monkeypatch: pytest.MonkeyPatch, database) -> str:
    """Make the backend's row writer load some rows, then fail as a full disk would; return the reason."""
    if database.url.startswith("sqlite"):
        original_to_sql = pd.DataFrame.to_sql

        def half_then_fail(frame, name, con, **kwargs):
            original_to_sql(frame.iloc[: len(frame) // 2], name, con, **kwargs)
            raise OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))

        monkeypatch.setattr(pd.DataFrame, "to_sql", half_then_fail)
        return "database or disk is full"
    original_write = psycopg.Copy.write
    chunks = []

    def first_then_fail(copy, data):
        chunks.append(data)
        if len(chunks) > 1:
            raise psycopg.errors.DiskFull("could not extend file")
        original_write(copy, data)

    monkeypatch.setattr(psycopg.Copy, "write", first_then_fail)
    return "DiskFull (SQLSTATE 53100)"


def test_a_failure_mid_write_leaves_the_previous_table_and_no_staging_table(database, monkeypatch):
    location = SqlLocation(format="sql", url=database.url, table=database.table, batch_size=10)
    previous = pd.DataFrame({"zip": pd.Series(["11111", "22222"], dtype="str")})
    write_table(previous, location)
    reason = _fail_after_the_first_chunk(monkeypatch, database)
    with pytest.raises(OutputError) as caught:
        write_table(pd.DataFrame({"zip": pd.Series([f"{i:05d}" for i in range(100)], dtype="str")}), location)
    assert str(caught.value) == (
        f"cannot write table '{database.table}' in {database.url}: {reason}; the previous table is unchanged"
    )
    monkeypatch.undo()
    pd.testing.assert_frame_equal(read_table(location), previous)
    assert database.staging_tables() == set()


def test_a_failing_swap_rolls_back_the_load(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    connection = sqlite3.connect(tmp_path / "db.sqlite")
    connection.execute("CREATE TABLE source (zip TEXT)")
    connection.execute("INSERT INTO source VALUES ('01234')")
    connection.execute("CREATE VIEW people AS SELECT zip FROM source")
    connection.commit()
    connection.close()
    with pytest.raises(OutputError) as caught:
        write_table(TYPED, parse_location(f"{url}#people"))
    assert str(caught.value) == (
        f"cannot write table 'people' in {url}: use DROP VIEW to delete view people; the previous table is unchanged"
    )
    assert read_table(parse_location(f"{url}#people"))["zip"].tolist() == ["01234"]
    connection = sqlite3.connect(tmp_path / "db.sqlite")
    names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    connection.close()
    assert names == {"source", "people"}


def test_bad_sql_inputs_give_one_line_without_data(database):
    url = database.url
    write_table(TYPED.head(0), parse_location(database.location_uri()))
    with pytest.raises(InputDataError) as caught:
        read_table(parse_location(database.location_uri("no_such_table")))
    assert str(caught.value) == f"table 'no_such_table' not found in {url}"

    with pytest.raises(InputDataError) as caught:
        read_table(parse_location(database.location_uri()))
    assert str(caught.value) == f"table '{database.table}' in {url} has no rows"

    with pytest.raises(InputDataError) as caught:
        read_table(SqlLocation(format="sql", url=url, query=f'SELECT CAST(name AS INTEGER) + no_column FROM "{database.table}"'))
    reason = "no such column: no_column" if url.startswith("sqlite") else "UndefinedColumn (SQLSTATE 42703)"
    assert str(caught.value) == f"cannot read the query on {url}: {reason}"


def test_postgresql_rejecting_a_value_does_not_quote_it(postgres_url):
    with pytest.raises(InputDataError) as caught:
        read_table(SqlLocation(format="sql", url=postgres_url, query="SELECT CAST('secret' AS INTEGER)"))
    assert str(caught.value) == f"cannot read the query on {postgres_url}: InvalidTextRepresentation (SQLSTATE 22P02)"


def test_sqlite_values_that_contradict_the_declared_type(tmp_path):
    connection = sqlite3.connect(tmp_path / "db.sqlite")
    connection.execute("CREATE TABLE t (age INTEGER)")
    connection.execute("INSERT INTO t VALUES ('secret')")
    connection.commit()
    connection.close()
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with pytest.raises(InputDataError) as caught:
        read_table(parse_location(f"{url}#t"))
    assert str(caught.value) == (
        f"cannot read table 't' in {url}: column 'age' holds values that do not fit its declared type INTEGER"
    )


def test_missing_database_file_and_unreachable_server(tmp_path):
    with pytest.raises(InputDataError) as caught:
        read_table(parse_location(f"sqlite:///{tmp_path}/missing.db#t"))
    assert str(caught.value) == f"SQLite database file not found: {tmp_path}/missing.db"
    assert not (tmp_path / "missing.db").exists()
    with pytest.raises(OutputError) as caught:
        write_table(TYPED, parse_location("postgresql://me:secret@127.0.0.1:1/test#t"))
    message = str(caught.value)
    assert message.startswith("cannot connect to postgresql://me:***@127.0.0.1:1/test: ")
    assert "Connection refused" in message and "secret" not in message


def test_a_query_location_cannot_be_written(tmp_path):
    location = SqlLocation(format="sql", url=f"sqlite:///{tmp_path}/x.db", query="SELECT 1")
    with pytest.raises(ConfigurationError) as caught:
        write_table(TYPED, location)
    assert str(caught.value) == f"a SQL output needs 'table', not 'query' (sqlite:///{tmp_path}/x.db)"


# --- Issue 11, finding 9: a query in a policy cannot change anything -----------------------------


def test_a_query_that_writes_is_refused_and_changes_nothing(database):
    write_table(pd.DataFrame({"zip": ["01234", "56789"]}), parse_location(database.location_uri()))
    query = f'DELETE FROM "{database.table}" RETURNING zip'
    with pytest.raises(InputDataError, match="cannot read the query on"):
        read_table(SqlLocation(format="sql", url=database.url, query=query))
    assert len(read_table(parse_location(database.location_uri()))) == 2


def test_sqlite_attach_cannot_create_a_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'data.db'}"
    write_table(pd.DataFrame({"zip": ["01234"]}), parse_location(f"{url}#people"))
    attached = tmp_path / "created.db"
    with pytest.raises(InputDataError, match="cannot read the query on"):
        read_table(SqlLocation(format="sql", url=url, query=f"ATTACH DATABASE '{attached}' AS other"))
    assert not attached.exists()


def test_a_postgres_query_cannot_advance_a_sequence(postgres_url):
    sequence = f"io_test_sequence_{uuid.uuid4().hex[:12]}"
    engine = create_engine(parse_sql_url(postgres_url), poolclass=NullPool)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE SEQUENCE {sequence}")
    try:
        with pytest.raises(InputDataError, match="SQLSTATE 25006"):
            read_table(SqlLocation(format="sql", url=postgres_url, query=f"SELECT nextval('{sequence}') AS n"))
        with engine.connect() as connection:
            assert connection.exec_driver_sql(f"SELECT last_value, is_called FROM {sequence}").one() == (1, False)
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SEQUENCE {sequence}")
        engine.dispose()
