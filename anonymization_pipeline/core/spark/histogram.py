"""The histogram of distinct tuples: what a distributed group-by sends to the driver.

Its size follows the number of distinct combinations of the grouped columns, never the number of
rows, which is why the search, the risk models and the checks can all run on the driver over it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

COUNT = "__anonymizer_count"


@dataclass(frozen=True)
class Histogram:
    """Distinct tuples of `columns` (as Arrow, in Spark's own types, and as pandas) and their counts."""

    columns: list[str]
    tuples: pa.Table
    counts: np.ndarray

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The tuples as pandas, typed as pandas reads the same values from Parquet; converted once,
        as the risk models, the candidate digest and the attack all read it."""
        return self.tuples.to_pandas()

    def value_counts(self, column: str) -> pd.Series:
        """How many rows hold each value of `column`, as `reporting.plots.value_counts` counts a pandas column.

        >>> histogram(frame, ["sex", "zipcode"]).value_counts("sex").to_dict()  # doctest: +SKIP
        {'F': 2480, 'M': 2520}
        """
        values = self.tuples.column(column).to_pandas()
        return pd.Series(self.counts).groupby(values, dropna=False, sort=False).sum().rename(column)

    @property
    def rows(self) -> int:
        """How many rows the histogram counts."""
        return int(self.counts.sum())


def histogram(frame: DataFrame, columns: list[str]) -> Histogram:
    """Group `frame` by `columns` (missing values are a value of their own) and count, in the
    columns' sort order.

    >>> histogram(spark.createDataFrame([("a",), ("a",), (None,)], "x string"), ["x"]).counts.tolist()  # doctest: +SKIP
    [2, 1]
    """
    return collected(counted_tuples(frame, columns), columns)


def counted_tuples(frame: DataFrame, columns: list[str]) -> DataFrame:
    """`frame` grouped by `columns`, each distinct tuple with its row count (`COUNT`), left in Spark."""
    return frame.groupBy(*columns).agg(F.count(F.lit(1)).alias(COUNT))


def summed(counted: DataFrame, columns: list[str]) -> Histogram:
    """The histogram of `columns` over tuples already counted (a `COUNT` column): their counts summed.

    >>> summed(counted, ["sex"]).counts.tolist()  # doctest: +SKIP
    [2480, 2520]
    """
    return collected(counted.groupBy(*columns).agg(F.sum(COUNT).alias(COUNT)), columns)


def collected(counted: DataFrame, columns: list[str]) -> Histogram:
    """Tuples of `columns` with their `COUNT`, brought to the driver in the columns' sort order
    (Spark's group order varies; the driver's must not). Without columns there is one tuple.

    >>> collected(counted.where(counted.sex == "F"), ["sex", "zipcode"]).rows  # doctest: +SKIP
    2480
    """
    table = counted.toArrow()
    if columns:
        table = table.sort_by([(name, "ascending") for name in columns])
    return Histogram(list(columns), table.drop_columns([COUNT]), table.column(COUNT).to_numpy().astype(np.int64))
