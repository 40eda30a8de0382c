"""The published classes measured from Spark's counts, one bounded chunk of classes at a time.

The histogram of published (quasi-identifier, measured sensitive value) tuples grows with the
classes times the values in each, which at scale is far more than the driver should hold as
values. So Spark deals the tuples into chunks by a hash of their quasi-identifier cells (every
class lies whole in one chunk), and the driver collects one chunk at a time, regroups it with
the pandas engine's `published_classes` against each attribute's reference over the whole
table, and keeps only the integers every measure reads: class sizes and (class, value) counts.
The criteria, the risk models and the report then judge the stacked classes exactly as they judge
a frame's, since a class's verdict depends on that class alone and the reported figures are
extremes or sums over classes.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from anonymization_pipeline.core.io.fingerprint import Digest, update_with_content
from anonymization_pipeline.core.operators.generalization import SUPPRESSED
from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.privacy.classes import PublishedClasses, published_classes, stacked_classes
from anonymization_pipeline.core.privacy.measurement import Measurement, measured_sensitive, measurement_of, weighted_attributes
from anonymization_pipeline.core.spark.histogram import COUNT, Histogram, collected, counted_tuples, summed

CHUNK_TUPLES = 250_000
"""Distinct published tuples the driver regroups at once: about 100 MB of values at 8 columns."""


@dataclass(frozen=True)
class SparkMeasurement:
    """The measurement of a published Spark table, how many records it counts (suppressed ones
    too), the quasi-identifier cells of each class in class order (only when a population table
    is to be matched against them; empty otherwise), a digest of the tuples measured, and the
    value counts of the columns asked for (read from the same counts, not from the rows again)."""

    measurement: Measurement
    rows: int
    class_frame: pd.DataFrame
    sha256: str
    marginals: dict[str, Histogram]


def measure_spark(
    published: DataFrame, policy: Policy, marginals: Sequence[str] = (), chunk_tuples: int = CHUNK_TUPLES
) -> SparkMeasurement:
    """Measure `published` as `measure_published` measures a frame, with no reference but the
    published rows themselves, holding at most about `chunk_tuples` distinct tuples at once;
    `marginals` (quasi-identifiers or measured columns) are counted value by value too.

    >>> measure_spark(spark.read.parquet("out.parquet"), policy).measurement.classes.sizes.min()  # doctest: +SKIP
    10
    """
    qis = policy.quasi_identifiers
    names = measured_sensitive(policy, list(published.columns))
    columns = list(dict.fromkeys([*qis, *names]))
    grouped = counted_tuples(published, columns).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        counted = {name: summed(grouped, [name]) for name in dict.fromkeys([*names, *marginals])}
        attributes = weighted_attributes(policy, {name: (counted[name].frame[name], counted[name].counts) for name in names})
        suppressed = _suppressed(qis)
        totals = grouped.agg(
            F.sum(COUNT).alias("rows"), F.sum(F.when(suppressed, F.col(COUNT)).otherwise(0)).alias("suppressed"), F.count(F.lit(1)).alias("tuples")
        ).first()
        rows, suppressed_rows, tuples = int(totals["rows"] or 0), int(totals["suppressed"] or 0), int(totals["tuples"])
        every_row_suppressed = rows > 0 and suppressed_rows == rows  # then the whole table is one class, as published_classes has it
        kept = grouped if every_row_suppressed else grouped.where(~suppressed)
        chunks = max(1, math.ceil(tuples / chunk_tuples)) if qis else 1
        digest = hashlib.sha256(json.dumps([columns, chunks]).encode())
        if not every_row_suppressed:  # the suppressed rows' values, which the references count, are measured too
            _digest_tuples(digest, collected(grouped.where(suppressed), columns))
        parts, cells = [], []
        for chunk in range(chunks):
            part = _chunk(kept, columns, qis, chunk, chunks)
            frame = _digest_tuples(digest, part)
            classes = published_classes(frame, qis, attributes, part.counts)
            parts.append(classes.classes)
            if policy.risk.population is not None:
                cells.append(frame.iloc[classes.first_rows()][qis])
    finally:
        grouped.unpersist()
    stacked = stacked_classes(parts, list(attributes))
    reported_suppressed = 0 if every_row_suppressed else suppressed_rows
    classes = PublishedClasses(stacked, np.arange(stacked.count, dtype=np.int64), reported_suppressed)
    class_frame = pd.concat(cells, ignore_index=True) if cells else pd.DataFrame(columns=qis)
    chosen = {name: counted[name] for name in marginals}
    return SparkMeasurement(measurement_of(classes, attributes, policy), rows, class_frame, digest.hexdigest(), chosen)


def _suppressed(qis: list[str]) -> Column:
    """True on a tuple whose every quasi-identifier cell is `*` (a suppressed row)."""
    if not qis:
        return F.lit(False)
    condition = F.lit(True)
    for name in qis:
        condition = condition & F.coalesce(F.col(name).cast("string") == F.lit(SUPPRESSED), F.lit(False))
    return condition


def _chunk(kept: DataFrame, columns: list[str], qis: list[str], chunk: int, chunks: int) -> Histogram:
    """One chunk's tuples and their counts."""
    return collected(kept if chunks == 1 else kept.where(F.pmod(F.xxhash64(*qis), F.lit(chunks)) == chunk), columns)


def _digest_tuples(digest: Digest, counted: Histogram) -> pd.DataFrame:
    """Feed the tuples and their counts (sorted, so Spark's partitioning does not matter) into
    `digest`; return the tuples as pandas, Arrow-backed: no Python object per cell."""
    frame = counted.tuples.to_pandas(types_mapper=pd.ArrowDtype)
    update_with_content(digest, frame.assign(**{COUNT: counted.counts}))
    return frame
