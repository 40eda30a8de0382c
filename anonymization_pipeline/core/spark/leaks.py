"""The leak check in Spark: does any published cell hold a raw direct identifier of the input,
whole, as one of its numbers or as its e-mail local part? The same check as the pandas engine's
(`identifier_digests`), under a random key that lives for one call only.

The raw side is digested on the executors batch by batch (`identifier_digests`); the distinct
digests (bounded by the distinct raw identifiers) come to the driver and travel back with the
check. The published side is normalised on the executors and counted per distinct value, so a
value held by `COMMON_ROWS` rows or more of its column identifies no one, as in the pandas check;
each distinct value is then matched once (`identifier_matches`) and weighted by its count.
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
    COMMON_ROWS,
    DigestSet,
    IdentifierDigests,
    distinct_sorted,
    identifier_digests,
    identifier_matches,
    identifying,
    normalised,
)

VALUE, COUNT, KIND, DIGEST, FINDINGS = "__anonymizer_value", "count", "__anonymizer_kind", "__anonymizer_digest", "__anonymizer_findings"
WHOLE, NUMBER, LOCAL_PART, NUMBER_LENGTH = 0, 1, 2, 3
_DIGEST_SCHEMA = pa.schema([pa.field(KIND, pa.int8()), pa.field(DIGEST, pa.int64())])


def raw_identifier_matches(raw: DataFrame, identifiers: list[str], published: DataFrame) -> dict[str, int]:
    """Per published column, how many of its rows hold a raw identifier (the pandas check's
    `rows_with_findings`).

    >>> raw_identifier_matches(raw, ["email"], published)  # doctest: +SKIP
    {'email': 0, 'age': 0, ...}
    """
    if not identifiers:
        return {name: 0 for name in published.columns}
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
        distinct_sorted(digests[kinds == NUMBER]),
        tuple(sorted(int(length) for length in digests[kinds == NUMBER_LENGTH])),
        distinct_sorted(digests[kinds == LOCAL_PART]),
    )


def _tagged(found: IdentifierDigests) -> pa.RecordBatch:
    """The digests of one batch as rows (kind, digest as a signed 64-bit integer)."""
    parts = {
        WHOLE: found.values,
        NUMBER: found.numbers,
        LOCAL_PART: found.local_parts,
        NUMBER_LENGTH: np.array(found.number_lengths, np.uint64),
    }
    kinds = np.concatenate([np.full(len(values), kind, np.int8) for kind, values in parts.items()])
    digests = np.concatenate([np.asarray(values, np.uint64) for values in parts.values()]).view(np.int64)
    return pa.RecordBatch.from_arrays([pa.array(kinds), pa.array(digests)], schema=_DIGEST_SCHEMA)


def _normalised(values: pd.Series) -> pd.Series:
    return normalised(values).to_pandas()


def _findings(published: DataFrame, column: str, digest_set: DigestSet) -> int:
    def count(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            text = batch.column(VALUE).cast(pa.large_string())
            counts = batch.column(COUNT).to_numpy(zero_copy_only=False)
            checked = identifying(text) & (counts < COMMON_ROWS)
            whole, in_runs, in_local = identifier_matches(text, digest_set)
            found = int(counts[(whole | in_runs | in_local) & checked].sum())
            yield pa.RecordBatch.from_arrays([pa.array([found], pa.int64())], names=[FINDINGS])

    values = published.select(pandas_udf(_normalised, "string")(F.col(column)).alias(VALUE)).groupBy(VALUE).count()
    total = values.mapInArrow(count, f"`{FINDINGS}` bigint").agg(F.sum(FINDINGS)).collect()[0][0]
    return int(total or 0)
