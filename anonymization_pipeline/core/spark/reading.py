"""Reading a policy's input location into a Spark DataFrame, with the pandas engine's semantics.

CSV columns are all strings (leading zeros kept, an empty cell is missing), as `core.io.read_table`
reads them, so both engines see the same values; Parquet keeps its types; SQL is read over JDBC
(the JDBC driver jar comes from the deployment: `spark.jars` or `spark.jars.packages`).
"""

from __future__ import annotations

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame, SparkSession

from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.io import AnyLocation, describe_location
from anonymization_pipeline.core.policy.model import CsvLocation, ParquetLocation, SqlLocation
from anonymization_pipeline.core.spark.jdbc import driver_error, jdbc_options, jdbc_problem, missing_driver


def read_location(spark: SparkSession, location: AnyLocation) -> DataFrame:
    """The input as a (lazy) Spark DataFrame. Raises InputDataError when it cannot be opened.

    >>> read_location(spark, parse_location("users.csv")).columns  # doctest: +SKIP
    ['user_id', 'email', ...]
    """
    try:
        if isinstance(location, CsvLocation):
            return (
                spark.read.option("header", True)
                .option("inferSchema", False)
                .option("sep", location.delimiter)
                .option("encoding", location.encoding)
                .option("quote", location.quotechar)
                .option("escape", location.quotechar)
                .option("mode", "FAILFAST")
                .csv(str(location.path))
            )
        if isinstance(location, ParquetLocation):
            return spark.read.parquet(str(location.path))
    except AnalysisException as error:
        raise InputDataError(f"cannot read {describe_location(location)}: {_reason(error)}") from None
    return _read_jdbc(spark, location)


def _read_jdbc(spark: SparkSession, location: SqlLocation) -> DataFrame:
    """A table or query over JDBC; a failure is one line with the database's SQL state, never its
    message (which may quote a value)."""
    source = location.table if location.table is not None else f"({location.query}) AS anonymizer_query"
    try:
        return spark.read.format("jdbc").options(**jdbc_options(location.url), dbtable=source).load()
    except Exception as error:  # noqa: BLE001 - Spark raises Java's errors as Py4J's or its own types
        if missing_driver(error):
            raise driver_error(location.url) from None
        raise InputDataError(f"cannot read {describe_location(location)}: {jdbc_problem(error)}") from None


def _reason(error: AnalysisException) -> str:
    """Spark's error class (e.g. PATH_NOT_FOUND), which names no value of the data."""
    return error.getCondition() or "Spark could not open it"
