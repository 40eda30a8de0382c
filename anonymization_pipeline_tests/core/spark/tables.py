"""Tables and policies the Spark tests share: a generated table of any size, and class counts."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame

from anonymization_pipeline.core.policy import validate_policy

DIAGNOSES = ["flu", "asthma", "diabetes", "migraine", "gerd", "anemia"]


def generated_table(rows: int, seed: int) -> pd.DataFrame:
    """`rows` people with four quasi-identifiers (one with gaps) and a sensitive diagnosis."""
    rng = np.random.default_rng(seed)
    zipcode = pd.Series((10000 + rng.integers(0, 300, rows) * 211 % 90000).astype(str), dtype="str")
    education = pd.Series(rng.choice(["school", "college", "bachelor", "master", "doctorate"], rows), dtype="str")
    education[rng.random(rows) < 0.01] = None
    return pd.DataFrame(
        {
            "age": rng.integers(17, 91, rows).astype(np.int64),
            "zipcode": zipcode,
            "sex": pd.Series(rng.choice(["F", "M"], rows), dtype="str"),
            "education": education,
            "diagnosis": pd.Series(rng.choice(DIAGNOSES, rows, p=[0.3, 0.2, 0.2, 0.15, 0.1, 0.05]), dtype="str"),
        }
    )


def generated_policy(k: int = 10, max_suppression: float = 0.04, **privacy):
    """A policy over `generated_table` with derived hierarchies only (no files)."""
    return validate_policy(
        {
            "version": 1,
            "dataset": {"name": "generated", "input": {"format": "parquet", "path": "/in.parquet"}, "output": {"format": "parquet", "path": "/out.parquet"}},
            "fields": {
                "age": {"class": "quasi_identifier", "hierarchy": {"intervals": [0, 20, 30, 40, 50, 60, 70, 80, 120]}},
                "zipcode": {"class": "quasi_identifier", "hierarchy": {"prefix": [5, 4, 3, 2, 1, 0]}},
                "sex": {"class": "quasi_identifier", "hierarchy": {"prefix": [1, 0]}},
                "education": {"class": "quasi_identifier", "hierarchy": {"prefix": [3, 1, 0]}},
                "diagnosis": {"class": "sensitive", "method": "keep"},
            },
            "privacy": {"k": k, "max_suppression": max_suppression, **privacy},
        }
    )


def _cell(value) -> str | None:
    return value if isinstance(value, str) else None


def pandas_class_counts(frame: pd.DataFrame, columns: list[str]) -> Counter:
    """How many rows share each combination of `columns` (missing values as None)."""
    tuples = zip(*[[_cell(value) for value in frame[name].astype(object)] for name in columns])
    return Counter(tuples)


def spark_class_counts(frame: DataFrame, columns: list[str]) -> Counter:
    """The same, counted by a Spark group-by."""
    return Counter({tuple(_cell(row[name]) for name in columns): row["count"] for row in frame.groupBy(*columns).count().collect()})


def skip_without_postgres_driver(spark) -> None:
    """Skip (with the reason) unless Spark can load PostgreSQL's JDBC driver (`spark.jars` adds it
    to the context class loader, which `Class.forName` from Python does not search)."""
    import pytest

    loader = spark._jvm.java.lang.Thread.currentThread().getContextClassLoader()
    if loader.getResource("org/postgresql/Driver.class") is None:
        pytest.skip("the PostgreSQL JDBC driver is not on Spark's classpath (spark.jars /usr/share/java/postgresql.jar)")
