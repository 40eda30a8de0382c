"""The input's fingerprint for the audit trail, from Spark's schema: counts and names, never values."""

from __future__ import annotations

import hashlib
import json

from pyspark.sql import DataFrame


def spark_fingerprint(frame: DataFrame, rows: int) -> dict:
    """Rows, column names and a SHA-256 over the (name, Spark type) pairs, as `table_fingerprint`
    gives them for a pandas frame (types are Spark's, so the digests of the two engines differ).

    >>> spark_fingerprint(spark.createDataFrame([("a",)], "x string"), 1)["columns"]  # doctest: +SKIP
    ['x']
    """
    schema = [[field.name, field.dataType.simpleString()] for field in frame.schema.fields]
    return {"rows": rows, "columns": list(frame.columns), "schema_sha256": hashlib.sha256(json.dumps(schema).encode("utf-8")).hexdigest()}
