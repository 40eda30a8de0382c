"""The quasi-identifiers generalized in Spark with the optimum the pandas engine finds.

The rows never come to the driver: a group-by gives the histogram of distinct (quasi-identifier,
sensitive value) tuples with counts, the unchanged search runs over it
(`anonymize_quasi_identifiers` with the counts as weights), and its choice is written back into
the rows by broadcast joins: one small table per quasi-identifier (each distinct value to its
label at the chosen level) and one table of the generalized tuples that are suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.core.privacy import anonymize_quasi_identifiers, apply_transformation, build_hierarchies
from anonymization_pipeline.core.privacy.hierarchies import TOP, Hierarchy
from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.reporting.information_loss import column_information_loss
from anonymization_pipeline.core.spark.histogram import Histogram, histogram

SUPPRESSED = "__anonymizer_suppressed"


@dataclass(frozen=True)
class SparkGeneralization:
    """The generalized rows (lazy), the privacy summary the pandas engine would report, the
    size of the histogram the search ran on, and each quasi-identifier's information loss."""

    frame: DataFrame
    summary: dict
    distinct_tuples: int
    information_loss: dict[str, float]


def generalize(frame: DataFrame, policy: Policy) -> SparkGeneralization:
    """Generalize and suppress `frame`'s quasi-identifiers so that every target of the policy holds.

    Raises what `anonymize_quasi_identifiers` raises (PrivacyTargetNotMet, InputDataError,
    ConfigurationError), and ConfigurationError for `algorithm: mondrian`, whose local recoding
    is not written by joins.

    >>> generalize(spark.read.parquet("users.parquet"), policy).summary["transformation"]  # doctest: +SKIP
    {'zipcode': 2, 'birth_date': 2, 'sex': 0}
    """
    privacy = policy.privacy
    if privacy is not None and privacy.algorithm == "mondrian":
        raise ConfigurationError("privacy.algorithm: engine spark runs the optimal search; mondrian needs engine pandas")
    qis = policy.quasi_identifiers
    sensitive = [c.attribute for c in (privacy.l_diversity, privacy.t_closeness) if c is not None] if privacy else []
    counted = histogram(frame, list(dict.fromkeys([*qis, *sensitive])))
    tuples = counted.frame
    result = anonymize_quasi_identifiers(tuples, policy, counted.counts)
    levels = result.summary["transformation"]
    hierarchies = build_hierarchies(policy, tuples)
    generalized = _join_levels(frame, counted, hierarchies, levels)
    suppressed = _suppressed_tuples(tuples, hierarchies, levels, result.suppressed, qis)
    generalized = _apply_suppression(generalized, suppressed, qis, privacy.suppression)
    # the search's output is the histogram's tuples recoded, row for row: the raw-to-published pairs the loss needs
    loss = column_information_loss(tuples, result.frame, qis, weights=counted.counts)
    return SparkGeneralization(generalized.select(*frame.columns), result.summary, len(tuples), loss)


def _level_table(spark: SparkSession, values: pa.Array, hierarchy: Hierarchy, column: str, level: int) -> DataFrame:
    """Each distinct value of a column (in Spark's type) and its label at `level`."""
    distinct = pc.unique(values)
    labels = apply_transformation(pd.DataFrame({column: distinct.to_pandas()}), {column: hierarchy}, {column: level})[column]
    return spark.createDataFrame(pa.table({"value": distinct, "label": _strings(labels)}))


def _strings(labels: pd.Series) -> pa.Array:
    """Generalized labels as Arrow strings, a missing label as null."""
    return pa.array(labels.astype(object).where(labels.notna(), None), type=pa.string())


def _join_levels(frame: DataFrame, counted: Histogram, hierarchies: dict[str, Hierarchy], levels: dict[str, int]) -> DataFrame:
    for j, (column, level) in enumerate(levels.items()):
        table = _level_table(frame.sparkSession, counted.tuples.column(column), hierarchies[column], column, level)
        value, label = f"__anonymizer_value_{j}", f"__anonymizer_label_{j}"
        table = F.broadcast(table.toDF(value, label))
        frame = frame.join(table, frame[column].eqNullSafe(table[value]), "left").drop(column, value).withColumnRenamed(label, column)
    return frame


def _suppressed_tuples(
    tuples: pd.DataFrame, hierarchies: dict[str, Hierarchy], levels: dict[str, int], suppressed: np.ndarray, qis: list[str]
) -> pd.DataFrame:
    """The generalized tuples of the suppressed classes (a class is suppressed whole)."""
    chosen = tuples.loc[suppressed, qis]
    return apply_transformation(chosen, hierarchies, levels).drop_duplicates().reset_index(drop=True)


def _apply_suppression(frame: DataFrame, suppressed: pd.DataFrame, qis: list[str], mode: str) -> DataFrame:
    """Mask the quasi-identifiers of suppressed rows with `*`, or remove those rows."""
    if suppressed.empty:
        return frame
    keys = [f"__anonymizer_suppressed_{j}" for j in range(len(qis))]
    arrow = pa.table({key: _strings(suppressed[column]) for key, column in zip(keys, qis)})
    table = F.broadcast(frame.sparkSession.createDataFrame(arrow).withColumn(SUPPRESSED, F.lit(True)))
    condition: Column | None = None
    for key, column in zip(keys, qis):
        equal = frame[column].eqNullSafe(table[key])
        condition = equal if condition is None else condition & equal
    joined = frame.join(table, condition, "left")
    flag = F.col(SUPPRESSED).isNotNull()
    if mode == "remove":
        return joined.where(~flag).select(*frame.columns)
    return joined.select(*[F.when(flag, F.lit(TOP)).otherwise(F.col(c)).alias(c) if c in qis else F.col(c) for c in frame.columns])
