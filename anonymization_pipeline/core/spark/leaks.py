"""The leak check in Spark: does any published cell hold a raw direct identifier of the input,
whole, as one of its numbers or as its e-mail local part? The same check as the pandas engine's
(`identifier_digests`), under a random key that lives for one call only.

Nothing that grows with the rows comes to the driver. The raw side is digested on the executors
batch by batch (`identifier_digests`) into rows (kind, digest), the kind of a number's digest
being its length; they stay in Spark, distinct and persisted for the call, and the driver only
learns how many there are of each kind: n_L of the chance bound, and which lookups are worth
making. The published side is normalised on the executors and counted per distinct value, all
columns in one pass, so a value held by `COMMON_ROWS` rows or more of its column identifies no
one, as in the pandas check. Each batch of checked values yields the pandas check's lookups
(`lookups`: the value whole, the windows of its numbers, its local-part tokens) as rows, which a
left join with the raw digests marks as hits. Spark ORs each value's hit bits into its mask and
sums, per column and mask, the rows and the windows and hits per number length: a table bounded by
the columns and masks, which the driver turns into the pandas check's `LeakTally` and reads with
its `leak_counts`. All of it is one chain of Spark stages, so every published value is normalised
and looked up once.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Iterator
from functools import reduce

import numpy as np
import pandas as pd
import pyarrow as pa
from pyspark import StorageLevel
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.functions import pandas_udf
from pyspark.sql.pandas.types import from_arrow_schema

from anonymization_pipeline.core.validation.identifier_digests import (
    KIND_LOCAL_PART,
    KIND_WHOLE,
    MIN_NUMBER_DIGITS,
    NUMBER_LENGTHS,
    IdentifierDigests,
    LeakTally,
    Lookups,
    checked,
    identifier_digests,
    leak_counts,
    lookups,
    normalised,
)

VALUE, COUNT, KIND, DIGEST = "__anonymizer_value", "count", "__anonymizer_kind", "__anonymizer_digest"
COLUMN, INDEX, HELD, CHECKED = "__anonymizer_column", "__anonymizer_index", "__anonymizer_held", "__anonymizer_checked"
BIT, INSIDE, HIT, MASK = "__anonymizer_bit", "__anonymizer_inside", "__anonymizer_hit", "__anonymizer_mask"
HIT_ROWS = "__anonymizer_hit_rows"
WINDOWS, WINDOW_MATCHES = "__anonymizer_windows_", "__anonymizer_window_matches_"
"""Prefixes of the tally's columns per number length: windows examined, and hits among them."""
NO_KIND = -1
"""The kind of the one row an unchecked value passes as: no raw digest has it."""
_DIGEST_SCHEMA = pa.schema([pa.field(KIND, pa.int8()), pa.field(DIGEST, pa.int64())])
_LOOKUP_SCHEMA = pa.schema(
    [pa.field(COLUMN, pa.int32()), pa.field(INDEX, pa.int64()), pa.field(HELD, pa.int64()), pa.field(CHECKED, pa.bool_()), pa.field(KIND, pa.int8()),
     pa.field(DIGEST, pa.int64()), pa.field(BIT, pa.int64()), pa.field(INSIDE, pa.bool_())]
)


def raw_identifier_matches(raw: DataFrame, identifiers: list[str], published: DataFrame) -> dict[str, dict[str, int]]:
    """Per published column, the pandas check's counts (`leak_findings`): rows holding a raw
    identifier, `rows_with_findings` among them. Without identifiers there is nothing to check,
    and no column is listed, as in the pandas suite.

    >>> raw_identifier_matches(raw, ["email"], published)["email"]["rows_with_findings"]  # doctest: +SKIP
    0
    """
    if not identifiers:
        return {}
    key = os.urandom(32)
    digests = _raw_digests(raw, identifiers, key).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        kinds = digests.groupBy(KIND).count().toArrow()
        per_kind = dict(zip(kinds.column(KIND).to_pylist(), kinds.column(COUNT).to_pylist()))
        rows = _tally_rows(_values(published), digests, key, per_kind)
    finally:
        digests.unpersist()
    raw_numbers = {kind: count for kind, count in per_kind.items() if kind >= MIN_NUMBER_DIGITS}
    column, lengths = rows.column(COLUMN).to_numpy(), sorted(raw_numbers)
    tallies = {name: _tally_of(rows.filter(pa.array(column == position)), lengths) for position, name in enumerate(published.columns)}
    return {name: leak_counts(tally, raw_numbers) for name, tally in tallies.items()}


def _raw_digests(raw: DataFrame, identifiers: list[str], key: bytes) -> DataFrame:
    """The distinct digests of the raw identifiers as rows (kind, digest), kept in Spark."""

    def digest(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            yield _digest_rows(reduce(operator.or_, (identifier_digests(batch.column(name).to_pandas(), key) for name in identifiers)))

    return raw.select(*identifiers).mapInArrow(digest, from_arrow_schema(_DIGEST_SCHEMA)).distinct()


def _digest_rows(found: IdentifierDigests) -> pa.RecordBatch:
    """The digests of one batch as rows (kind, digest as a signed 64-bit integer)."""
    parts = {KIND_WHOLE: found.values, KIND_LOCAL_PART: found.local_parts, **found.numbers}
    kinds = np.concatenate([np.full(len(values), kind, np.int8) for kind, values in parts.items()])
    digests = np.concatenate([np.asarray(values, np.uint64) for values in parts.values()]).view(np.int64)
    return pa.RecordBatch.from_arrays([pa.array(kinds), pa.array(digests)], schema=_DIGEST_SCHEMA)


def _normalised(values: pd.Series) -> pd.Series:
    return normalised(values).to_pandas()


def _values(published: DataFrame) -> DataFrame:
    """Each column's distinct normalised values (column position, value, rows holding it, a
    unique index), every column in one pass over the published rows."""
    normalise = pandas_udf(_normalised, "string")
    text = published.select(*(normalise(F.col(name)).alias(str(position)) for position, name in enumerate(published.columns)))
    pairs = F.array(*(F.struct(F.lit(position).alias(COLUMN), F.col(str(position)).alias(VALUE)) for position in range(len(published.columns))))
    return text.select(F.inline(pairs)).groupBy(COLUMN, VALUE).count().withColumn(INDEX, F.monotonically_increasing_id())


def _tally_rows(values: DataFrame, digests: DataFrame, key: bytes, per_kind: dict[int, int]) -> pa.Table:
    """The tallies of all columns as rows (column, checked, mask, rows, rows of the values with
    that mask, then windows and window hits per number length), in one chain: lookups, a join with
    the raw digests, sums. Only hits are grouped by value (to OR their bits into its mask); the
    other lookups are summed where they are, so the shuffles carry the hits, not the rows. A value
    counts its rows once, on its whole-value lookup; an unchecked value passes as one row that
    matches nothing."""
    lengths = sorted(kind for kind in per_kind if kind >= MIN_NUMBER_DIGITS)
    local_parts = KIND_LOCAL_PART in per_kind

    def look_up(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            text = batch.column(VALUE).cast(pa.large_string())
            wanted = checked(text, batch.column(COUNT).to_numpy(zero_copy_only=False))
            yield _lookup_rows(lookups(text.filter(pa.array(wanted)), key, lengths, local_parts), batch, wanted)

    found = values.mapInArrow(look_up, from_arrow_schema(_LOOKUP_SCHEMA)).join(digests.withColumn(HIT, F.lit(True)), [KIND, DIGEST], "left")
    hit, window, kind = F.coalesce(F.col(HIT), F.lit(False)), F.col(INSIDE), F.col(KIND)
    per_length = [(f"{WINDOWS}{length}", window & (kind == length)) for length in lengths]
    per_length += [(f"{WINDOW_MATCHES}{length}", window & hit & (kind == length)) for length in lengths]
    groups = found.groupBy(COLUMN, CHECKED, F.when(hit, F.col(INDEX)).alias(INDEX), F.when(hit, F.col(HELD)).alias(HIT_ROWS)).agg(
        F.bit_or(F.when(hit, F.col(BIT)).otherwise(0)).alias(MASK),
        F.sum(F.when(kind.isin(KIND_WHOLE, NO_KIND), F.col(HELD)).otherwise(0)).alias(HELD),
        *(F.count_if(condition).alias(name) for name, condition in per_length),
    )
    sums = [F.coalesce(F.sum(name), F.lit(0)).alias(name) for name in (HELD, HIT_ROWS, *(name for name, _ in per_length))]
    return groups.groupBy(COLUMN, CHECKED, MASK).agg(*sums).toArrow()


def _lookup_rows(parts: list[Lookups], batch: pa.RecordBatch, wanted: np.ndarray) -> pa.RecordBatch:
    """The lookups of a batch's checked values (`parts`, positions among them) as rows, each with
    its value's column, index and rows, then one row per unchecked value that matches nothing."""
    unchecked = np.flatnonzero(~wanted)
    at = np.concatenate([*(np.flatnonzero(wanted)[part.rows] for part in parts), unchecked])
    columns = [batch.column(name).to_numpy(zero_copy_only=False)[at] for name in (COLUMN, INDEX, COUNT)]
    kinds = np.concatenate([*(np.full(part.rows.size, part.kind, np.int8) for part in parts), np.full(unchecked.size, NO_KIND, np.int8)])
    digests = np.concatenate([*(part.digests for part in parts), np.zeros(unchecked.size, np.uint64)]).view(np.int64)
    bits = np.concatenate([*(part.match_bits(part.inside) for part in parts), np.zeros(unchecked.size, np.int64)])
    inside = np.concatenate([*(part.inside for part in parts), np.zeros(unchecked.size, bool)])
    arrays = [*columns, wanted[at], kinds, digests, bits, inside]
    return pa.RecordBatch.from_arrays([pa.array(array) for array in arrays], schema=_LOOKUP_SCHEMA)


def _tally_of(rows: pa.Table, lengths: list[int]) -> LeakTally:
    """One column's tally from its rows (none when the column has no rows)."""
    held, hit_rows, mask, wanted = (rows.column(name).to_numpy() for name in (HELD, HIT_ROWS, MASK, CHECKED))
    per_length = np.zeros((2, len(NUMBER_LENGTHS)), np.int64)
    for row, part in enumerate((WINDOWS, WINDOW_MATCHES)):
        for length in lengths:
            per_length[row, length - MIN_NUMBER_DIGITS] = rows.column(f"{part}{length}").to_numpy().sum()
    found = mask != 0
    return LeakTally(int(held.sum()), int(held[wanted].sum()), dict(zip(mask[found].tolist(), hit_rows[found].tolist())), per_length[0], per_length[1])
