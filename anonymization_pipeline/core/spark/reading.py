"""Reading a policy's input location into a Spark DataFrame, with the pandas engine's semantics.

CSV columns are all strings (leading zeros kept, an empty cell is missing), as `core.io.read_table`
reads them, so both engines see the same values; Parquet keeps its types; SQL is read over JDBC
(the JDBC driver jar comes from the deployment, e.g. `spark.jars.packages`).
"""

from __future__ import annotations

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame, SparkSession

from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.io import AnyLocation, describe_location
from anonymization_pipeline.core.policy.model import CsvLocation, ParquetLocation
from anonymization_pipeline.core.spark.jdbc import jdbc_options


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
        source = location.table if location.table is not None else f"({location.query}) AS anonymizer_query"
        return spark.read.format("jdbc").options(**jdbc_options(location.url), dbtable=source).load()
    except AnalysisException as error:
        raise InputDataError(f"cannot read {describe_location(location)}: {_reason(error)}") from None


def _reason(error: AnalysisException) -> str:
    """Spark's error class (e.g. PATH_NOT_FOUND), which names no value of the data."""
    return error.getCondition() or "Spark could not open it"
