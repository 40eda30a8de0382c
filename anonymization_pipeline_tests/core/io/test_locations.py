from pathlib import Path

import pytest

from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.core.io import describe_location, parse_location
from anonymization_pipeline.core.io.locations import refuse_overwriting_input
from anonymization_pipeline.core.io.sql_engine import display_url, parse_sql_url
from anonymization_pipeline.core.policy.model import CsvLocation, ParquetLocation, SqlLocation


def test_file_format_comes_from_the_extension_and_relative_paths_from_base_dir():
    assert parse_location("data.csv", Path("/base")) == CsvLocation(format="csv", path=Path("/base/data.csv"))
    assert parse_location("x/y.PARQUET", Path("/base")) == ParquetLocation(format="parquet", path=Path("/base/x/y.PARQUET"))
    assert parse_location("/abs/t.tsv", Path("/base")) == CsvLocation(format="csv", path=Path("/abs/t.tsv"), delimiter="\t")


def test_a_csv_from_the_command_line_leaves_its_delimiter_to_detection():
    assert "delimiter" not in parse_location("data.csv").model_fields_set


def test_relative_paths_default_to_the_current_folder(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert parse_location("in.csv").path == tmp_path / "in.csv"


def test_sql_urls_carry_the_table_after_the_hash():
    sqlite = parse_location("sqlite:///db/users.db#people", Path("/base"))
    assert sqlite == SqlLocation(format="sql", url="sqlite:////base/db/users.db", table="people")
    postgres = parse_location("postgresql://postgres@127.0.0.1:5432/test#public.people")
    assert (postgres.url, postgres.table) == ("postgresql://postgres@127.0.0.1:5432/test", "public.people")


def test_plain_postgresql_urls_use_psycopg_3():
    assert parse_sql_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert parse_sql_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert parse_sql_url("postgresql+psycopg2://u@h/db").drivername == "postgresql+psycopg2"


@pytest.mark.parametrize(
    "uri, message",
    [
        (
            "data.xlsx",
            "unsupported location 'data.xlsx': give a .csv, .tsv or .parquet file, "
            "or a SQL URL with the table after '#' (e.g. sqlite:///file.db#users)",
        ),
        (
            "",
            "unsupported location '': give a .csv, .tsv or .parquet file, "
            "or a SQL URL with the table after '#' (e.g. sqlite:///file.db#users)",
        ),
        ("s3://bucket/x.parquet", "unsupported SQL URL 's3://bucket/x.parquet': SQLAlchemy has no dialect 's3'"),
        (
            "postgresql://me:secret@db/prod",
            "SQL location 'postgresql://me:***@db/prod' needs the table after '#', e.g. sqlite:///file.db#users",
        ),
        ("sqlite:///x.db#", "SQL location 'sqlite:///x.db#' needs the table after '#', e.g. sqlite:///file.db#users"),
        (
            "://me:secret@nowhere#t",
            "not a valid SQL URL: '://me:***@nowhere' (expected e.g. sqlite:///file.db or postgresql://user@host/db)",
        ),
    ],
)
def test_anything_else_is_a_configuration_error_naming_the_value_but_not_a_password(uri, message):
    with pytest.raises(ConfigurationError) as caught:
        parse_location(uri)
    assert str(caught.value) == message
    assert "secret" not in str(caught.value)


def test_locations_are_named_without_passwords():
    location = SqlLocation(format="sql", url="postgresql://me:secret@db/prod", query="select 1")
    assert describe_location(location) == "the query on postgresql://me:***@db/prod"
    assert display_url("sqlite:////data/x.db") == "sqlite:////data/x.db"


def test_the_same_sql_table_as_input_and_output_is_refused(tmp_path):
    database = tmp_path / "people.db"
    with pytest.raises(ConfigurationError, match="the output is the input"):
        refuse_overwriting_input(
            parse_location(f"sqlite:///{database}#people"), parse_location(f"sqlite:///{tmp_path}/./people.db#people")
        )
    refuse_overwriting_input(parse_location(f"sqlite:///{database}#people"), parse_location(f"sqlite:///{database}#out"))
    with pytest.raises(ConfigurationError, match="the output is the input"):
        refuse_overwriting_input(
            parse_location("postgresql://u@127.0.0.1:5432/test#people"), parse_location("postgresql://v:pw@127.0.0.1:5432/test#people")
        )
