"""The leak check in Spark: does any published cell hold a raw direct identifier of the input,
whole, as one of its numbers or as its e-mail local part? The same check as the pandas engine's
(`identifier_digests`), under a random key that lives for one call only.

The raw side is digested on the executors batch by batch (`identifier_digests`); the distinct
digests (bounded by the distinct raw identifiers) come to the driver as rows (kind, digest), the
kind of a number's digest being its length, so the driver knows exactly how many distinct raw
numbers each length has, and travel back with the check. The published side is normalised on the
executors and counted per distinct value, so a value held by `COMMON_ROWS` rows or more of its
column identifies no one, as in the pandas check; each batch of distinct values is tallied
(`leak_tally`: rows per match mask, windows and matches per number length), Spark sums the
tallies as rows (part, index, count), and the driver reads the counts from the sum with the
pandas check's `leak_counts`, whose chance bound needs the windows of the whole column.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Iterator
from functools import reduce

import numpy as np
import pandas as pd
import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.functions import pandas_udf

from anonymization_pipeline.core.validation.identifier_digests import (
    MIN_NUMBER_DIGITS,
    NUMBER_LENGTHS,
    DigestSet,
    IdentifierDigests,
    LeakTally,
    distinct_sorted,
    identifier_digests,
    leak_counts,
    leak_tally,
    normalised,
)

VALUE, COUNT, KIND, DIGEST = "__anonymizer_value", "count", "__anonymizer_kind", "__anonymizer_digest"
PART, INDEX = "__anonymizer_part", "__anonymizer_index"
WHOLE, LOCAL_PART = 0, 1
"""Kinds of raw digests; a number's digest has its length (8 to 19) as its kind."""
ROWS, ROWS_CHECKED, MASK_ROWS, WINDOWS, WINDOW_MATCHES = range(5)
"""Parts of a tally as rows (part, index, count): the index is the mask or the number length."""
_DIGEST_SCHEMA = pa.schema([pa.field(KIND, pa.int8()), pa.field(DIGEST, pa.int64())])
_TALLY_SCHEMA = pa.schema([pa.field(PART, pa.int8()), pa.field(INDEX, pa.int64()), pa.field(COUNT, pa.int64())])


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
    digest_set = DigestSet(_raw_digests(raw, identifiers, key), key)
    return {name: _findings(published, name, digest_set) for name in published.columns}


def _raw_digests(raw: DataFrame, identifiers: list[str], key: bytes) -> IdentifierDigests:
    def digest(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            found = reduce(operator.or_, (identifier_digests(batch.column(name).to_pandas(), key) for name in identifiers))
            yield _tagged(found)

    table = raw.select(*identifiers).mapInArrow(digest, "`__anonymizer_kind` tinyint, `__anonymizer_digest` bigint").distinct().toArrow()
    kinds = table.column(KIND).to_numpy()
    digests = table.column(DIGEST).to_numpy().view(np.uint64)
    return IdentifierDigests(
        distinct_sorted(digests[kinds == WHOLE]),
        {length: distinct_sorted(digests[kinds == length]) for length in np.unique(kinds[kinds >= MIN_NUMBER_DIGITS]).tolist()},
        distinct_sorted(digests[kinds == LOCAL_PART]),
    )


def _tagged(found: IdentifierDigests) -> pa.RecordBatch:
    """The digests of one batch as rows (kind, digest as a signed 64-bit integer)."""
    parts = {WHOLE: found.values, LOCAL_PART: found.local_parts, **found.numbers}
    kinds = np.concatenate([np.full(len(values), kind, np.int8) for kind, values in parts.items()])
    digests = np.concatenate([np.asarray(values, np.uint64) for values in parts.values()]).view(np.int64)
    return pa.RecordBatch.from_arrays([pa.array(kinds), pa.array(digests)], schema=_DIGEST_SCHEMA)


def _normalised(values: pd.Series) -> pd.Series:
    return normalised(values).to_pandas()


def _findings(published: DataFrame, column: str, digest_set: DigestSet) -> dict[str, int]:
    def tally(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            counts = batch.column(COUNT).to_numpy(zero_copy_only=False)
            yield _tally_rows(leak_tally(batch.column(VALUE).cast(pa.large_string()), counts, digest_set))

    values = published.select(pandas_udf(_normalised, "string")(F.col(column)).alias(VALUE)).groupBy(VALUE).count()
    rows = values.mapInArrow(tally, f"`{PART}` tinyint, `{INDEX}` bigint, `{COUNT}` bigint").groupBy(PART, INDEX).agg(F.sum(COUNT).alias(COUNT)).toArrow()
    return leak_counts(_tally_of(rows), digest_set.digests)


def _tally_rows(tally: LeakTally) -> pa.RecordBatch:
    """A tally as rows (part, index, count), which add up across batches by part and index."""
    lengths = np.array(NUMBER_LENGTHS, np.int64)
    parts = [
        (ROWS, [0], [tally.rows]),
        (ROWS_CHECKED, [0], [tally.rows_checked]),
        (MASK_ROWS, list(tally.mask_rows), list(tally.mask_rows.values())),
        (WINDOWS, lengths, tally.windows),
        (WINDOW_MATCHES, lengths, tally.window_matches),
    ]
    return pa.RecordBatch.from_arrays(
        [
            pa.array(np.concatenate([np.full(len(index), part, np.int8) for part, index, _ in parts])),
            pa.array(np.concatenate([np.asarray(index, np.int64) for _, index, _ in parts])),
            pa.array(np.concatenate([np.asarray(count, np.int64) for _, _, count in parts])),
        ],
        schema=_TALLY_SCHEMA,
    )


def _tally_of(rows: pa.Table) -> LeakTally:
    """The summed tally from its rows (none when the column has no rows)."""
    part, index, count = (rows.column(name).to_numpy() for name in (PART, INDEX, COUNT))
    per_length = np.zeros((2, len(NUMBER_LENGTHS)), np.int64)
    for row, which in enumerate((WINDOWS, WINDOW_MATCHES)):
        per_length[row, index[part == which] - MIN_NUMBER_DIGITS] = count[part == which]
    return LeakTally(
        int(count[part == ROWS].sum()),
        int(count[part == ROWS_CHECKED].sum()),
        dict(zip(index[part == MASK_ROWS].tolist(), count[part == MASK_ROWS].tolist())),
        per_length[0],
        per_length[1],
    )
