"""Writing the published DataFrame atomically: a staging copy first, then one swap.

Parquet: Spark writes a folder of part files (optionally partitioned by columns) next to the
target, then the old folder is renamed aside, the staging folder renamed into place and the old
one deleted, through Hadoop's FileSystem (local disk, HDFS). SQL: Spark writes a staging table
over JDBC, then one database transaction drops the old table and renames the staging one. If
anything fails the staging copy is removed and the previous output is untouched.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from pyspark.sql import DataFrame
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from anonymization_pipeline.core.errors import ConfigurationError, OutputError
from anonymization_pipeline.core.io import AnyLocation, describe_location
from anonymization_pipeline.core.io.sql_engine import connect, database_problem, open_engine
from anonymization_pipeline.core.io.sql_tables import _split_table_name, _swap_in
from anonymization_pipeline.core.policy.model import ParquetLocation, SqlLocation
from anonymization_pipeline.core.spark.jdbc import driver_error, jdbc_options, jdbc_problem, missing_driver


def write_location(frame: DataFrame, location: AnyLocation, partition_by: Sequence[str] = ()) -> None:
    """Replace the output at `location` with `frame`; Parquet may be partitioned by columns.

    >>> write_location(published, parse_location("out/users.parquet"), partition_by=["city"])  # doctest: +SKIP
    """
    if isinstance(location, ParquetLocation):
        _write_parquet(frame, location, list(partition_by))
    elif isinstance(location, SqlLocation):
        _write_jdbc(frame, location)
    else:
        raise ConfigurationError(f"engine spark writes Parquet or SQL outputs, not {describe_location(location)}")


class _FileSystem:
    """Hadoop's FileSystem for a path, reached through the session's JVM."""

    def __init__(self, frame: DataFrame, path: str):
        spark = frame.sparkSession
        self._path = spark._jvm.org.apache.hadoop.fs.Path
        self._fs = self._path(path).getFileSystem(spark._jsc.hadoopConfiguration())

    def exists(self, path: str) -> bool:
        return self._fs.exists(self._path(path))

    def rename(self, source: str, target: str) -> None:
        if not self._fs.rename(self._path(source), self._path(target)):
            raise OSError(f"cannot rename {source} to {target}")

    def delete(self, path: str) -> None:
        self._fs.delete(self._path(path), True)


def _write_parquet(frame: DataFrame, location: ParquetLocation, partition_by: list[str]) -> None:
    target = str(location.path)
    token = uuid.uuid4().hex
    staging = str(location.path.with_name(f".{location.path.name}.staging-{token}"))
    retired = str(location.path.with_name(f".{location.path.name}.old-{token}"))
    fs = _FileSystem(frame, target)
    try:
        frame.write.mode("error").partitionBy(*partition_by).parquet(staging)
        had_output = fs.exists(target)
        if had_output:
            fs.rename(target, retired)
        try:
            fs.rename(staging, target)
        except OSError:
            if had_output:
                fs.rename(retired, target)
            raise
        if had_output:
            fs.delete(retired)
    except Exception as error:
        fs.delete(staging)
        raise OutputError(f"cannot write {describe_location(location)} ({type(error).__name__}); the previous output is unchanged") from None


def _write_jdbc(frame: DataFrame, location: SqlLocation) -> None:
    if location.table is None:
        raise ConfigurationError(f"a SQL output needs 'table', not 'query' ({describe_location(location)})")
    schema, name = _split_table_name(location.table)
    staging = f"anonymizer_staging_{uuid.uuid4().hex}"
    qualified = f"{schema}.{staging}" if schema else staging
    engine = open_engine(location.url)
    try:
        frame.write.format("jdbc").options(**jdbc_options(location.url), dbtable=qualified).mode("error").save()
        with connect(engine, location.url, OutputError) as connection, connection.begin():
            _swap_in(connection, staging, name, schema)
    except Exception as error:  # a Spark or database failure alike: clean up, keep the old table
        _drop_staging(engine, location, qualified)
        if missing_driver(error):
            raise driver_error(location.url) from None
        reason = database_problem(error) if isinstance(error, SQLAlchemyError) else jdbc_problem(error)
        raise OutputError(f"cannot write {describe_location(location)}: {reason}; the previous table is unchanged") from None
    finally:
        engine.dispose()


def _drop_staging(engine: Engine, location: SqlLocation, qualified: str) -> None:
    try:
        with connect(engine, location.url, OutputError) as connection, connection.begin():
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {qualified}")
    except (SQLAlchemyError, OutputError):
        pass
