"""One local Spark session for the whole test run: small shuffles, no UI, bound to 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

pyspark = pytest.importorskip("pyspark", reason="engine spark needs pyspark")

from anonymization_pipeline.core.spark.session import java_available, spark_session  # noqa: E402

TEST_SETTINGS = {
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "4",
    "spark.ui.enabled": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.adaptive.enabled": "false",
}
POSTGRES_JDBC_JAR = Path("/usr/share/java/postgresql.jar")
"""Debian's libpostgresql-jdbc-java (`.ci/run` installs it): the JDBC tests read and write the real PostgreSQL through it."""


@pytest.fixture(scope="session")
def spark() -> Iterator[pyspark.sql.SparkSession]:
    if not java_available():
        pytest.skip("engine spark runs on a JVM: no Java runtime found (java on PATH or JAVA_HOME)")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    jars = {"spark.jars": str(POSTGRES_JDBC_JAR)} if POSTGRES_JDBC_JAR.exists() else {}
    session = spark_session("local[2]", TEST_SETTINGS | jars)
    yield session
    session.stop()
