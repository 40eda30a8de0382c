"""Spark reads the inputs as the pandas engine does, and publishes atomically."""

from __future__ import annotations

import os

import pandas as pd
import pyarrow.parquet as pq
import pytest
from pyspark.sql import functions as F
from pyspark.sql.functions import udf

from anonymization_pipeline.core.errors import InputDataError, OutputError
from anonymization_pipeline.core.io import parse_location, read_table
from anonymization_pipeline.core.spark import read_location, write_location
from anonymization_pipeline.core.spark.jdbc import jdbc_options
from anonymization_pipeline_tests.core.spark.tables import skip_without_postgres_driver


def test_csv_cells_are_read_as_the_pandas_engine_reads_them(spark, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text('zip;name;age\n01234;"Smith; John";39\n;"";\n99999;"say ""hi""";7\n', encoding="utf-8")
    location = parse_location(str(path)).model_copy(update={"delimiter": ";"})
    expected = read_table(location).astype(object).where(lambda f: f.notna(), None)
    found = read_location(spark, location).toPandas().astype(object).where(lambda f: f.notna(), None)
    assert found.values.tolist() == expected.values.tolist() == [["01234", "Smith; John", "39"], [None, None, None], ["99999", 'say "hi"', "7"]]


def test_a_missing_input_is_one_line_naming_it(spark, tmp_path):
    with pytest.raises(InputDataError, match=r"^cannot read Parquet file .*absent.parquet: PATH_NOT_FOUND$"):
        read_location(spark, parse_location(str(tmp_path / "absent.parquet")))


def test_parquet_output_is_replaced_whole_and_partitioned(spark, tmp_path):
    target = parse_location(str(tmp_path / "out" / "people.parquet"))
    write_location(spark.createDataFrame(pd.DataFrame({"city": ["a", "b"], "n": [1, 2]})), target)
    write_location(spark.createDataFrame(pd.DataFrame({"city": ["c", "c", "d"], "n": [3, 4, 5]})), target, partition_by=["city"])
    assert sorted(os.listdir(tmp_path / "out")) == ["people.parquet"]
    assert sorted(p.name for p in (tmp_path / "out" / "people.parquet").iterdir() if p.is_dir()) == ["city=c", "city=d"]
    assert sorted(pq.read_table(tmp_path / "out" / "people.parquet").column("n").to_pylist()) == [3, 4, 5]


def test_a_failed_write_leaves_the_previous_output_and_no_staging(spark, tmp_path):
    target = parse_location(str(tmp_path / "out" / "people.parquet"))
    write_location(spark.createDataFrame(pd.DataFrame({"n": [1, 2]})), target)

    @udf("long")
    def fails(value):
        raise ValueError("boom")

    broken = spark.createDataFrame(pd.DataFrame({"n": [7]})).select(fails(F.col("n")).alias("n"))
    with pytest.raises(OutputError, match="the previous output is unchanged"):
        write_location(broken, target)
    assert sorted(os.listdir(tmp_path / "out")) == ["people.parquet"]
    assert sorted(pq.read_table(tmp_path / "out" / "people.parquet").column("n").to_pylist()) == [1, 2]


def test_sql_urls_become_jdbc_options_with_credentials_apart():
    assert jdbc_options("postgresql://me:secret@db.internal:5433/claims") == {
        "url": "jdbc:postgresql://db.internal:5433/claims",
        "driver": "org.postgresql.Driver",
        "user": "me",
        "password": "secret",
    }


def test_a_file_database_is_refused_for_jdbc():
    from anonymization_pipeline.core.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="engine spark reads and writes SQL over JDBC"):
        jdbc_options("sqlite:////tmp/x.db")


@pytest.fixture
def postgres_url() -> str:
    url = os.environ.get("ANONYMIZER_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("ANONYMIZER_TEST_POSTGRES_URL is not set")
    return url


def test_jdbc_output_swaps_a_staging_table_in(spark, postgres_url):
    skip_without_postgres_driver(spark)
    from sqlalchemy import create_engine, text

    target = parse_location(f"{postgres_url}#spark_people")
    write_location(spark.createDataFrame(pd.DataFrame({"n": [1, 2, 3]})), target)
    engine = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM spark_people")).scalar() == 3
        assert connection.execute(text("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'anonymizer_staging_%'")).scalar() == 0
    engine.dispose()


def test_a_jdbc_driver_spark_lacks_is_one_line_saying_where_it_comes_from(spark):
    from anonymization_pipeline.core.errors import ConfigurationError

    location = parse_location("mysql://reader@127.0.0.1:3306/test#people")
    with pytest.raises(ConfigurationError, match=r"^engine spark: no mysql JDBC driver on Spark's classpath; add its jar with spark.jars or spark.jars.packages$"):
        read_location(spark, location)


def test_a_table_the_database_lacks_is_named_with_its_sql_state(spark, postgres_url):
    skip_without_postgres_driver(spark)
    with pytest.raises(InputDataError, match=r"^cannot read table 'no_such_table' in postgresql://.*: the database refused it \(SQL state 42P01\)$"):
        read_location(spark, parse_location(f"{postgres_url}#no_such_table"))
