"""The leak check in Spark: does any published cell equal a raw direct identifier of the input?

Both sides are compared as keyed digests (`identifier_digests.value_digests`, the validation's
own definition, run in a pandas UDF), under a random key that lives for one call only. The raw
digests never leave Spark: a semi-join counts, per published column, the cells whose digest is
among them.
"""

from __future__ import annotations

import os
from functools import reduce

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.functions import pandas_udf

from anonymization_pipeline.core.validation.identifier_digests import value_digests

DIGEST = "__anonymizer_digest"
COLUMN = "__anonymizer_column"


def _digests(key: bytes):
    @pandas_udf("string")
    def digest(values: pd.Series) -> pd.Series:
        return pd.Series(value_digests(values, key), index=values.index, dtype=object)

    return digest


def raw_identifier_matches(raw: DataFrame, identifiers: list[str], published: DataFrame) -> dict[str, int]:
    """Per published column, how many of its cells equal (after normalisation) a raw identifier.

    >>> raw_identifier_matches(raw, ["email"], published)  # doctest: +SKIP
    {'email': 0, 'age': 0, ...}
    """
    if not identifiers:
        return {name: 0 for name in published.columns}
    digest = _digests(os.urandom(32))
    raw_digests = reduce(
        DataFrame.unionAll, [raw.select(digest(F.col(name)).alias(DIGEST)) for name in identifiers]
    ).where(F.col(DIGEST).isNotNull()).distinct()
    cells = reduce(
        DataFrame.unionAll,
        [published.select(F.lit(name).alias(COLUMN), digest(F.col(name)).alias(DIGEST)) for name in published.columns],
    )
    found = {row[COLUMN]: row["count"] for row in cells.join(raw_digests, DIGEST, "left_semi").groupBy(COLUMN).count().collect()}
    return {name: int(found.get(name, 0)) for name in published.columns}
