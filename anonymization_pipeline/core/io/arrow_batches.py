"""Arrow record batches into pandas frames of a fixed number of rows.

Readers produce Arrow batches of whatever size their format likes (CSV blocks, Parquet row
groups, database fetches). Callers want frames of `batch_size` rows, with the same dtype for a
column in every batch, so that a batched run and a full read see the same data.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pandas as pd
import pyarrow as pa

_NULLABLE_DTYPES = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.uint8(): pd.UInt8Dtype(),
    pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(),
    pa.uint64(): pd.UInt64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def rebatch(batches: Iterable[pa.RecordBatch], batch_size: int) -> Iterator[pa.Table]:
    """Tables of exactly `batch_size` rows (the last one may be shorter), without copying data.

    >>> [t.num_rows for t in rebatch(pa.table({"a": range(5)}).to_batches(2), 3)]
    [3, 2]
    """
    pending: list[pa.RecordBatch] = []
    pending_rows = 0
    for batch in batches:
        pending.append(batch)
        pending_rows += batch.num_rows
        while pending_rows >= batch_size:
            table = pa.Table.from_batches(pending)
            yield table.slice(0, batch_size)
            rest = table.slice(batch_size)
            pending, pending_rows = rest.to_batches(), rest.num_rows
    if pending_rows:
        yield pa.Table.from_batches(pending)


def arrow_to_frame(table: pa.Table) -> pd.DataFrame:
    """A pandas frame with a fresh RangeIndex.

    Data written by pandas carries its dtypes in the schema metadata and gets them back exactly.
    Data from elsewhere (SQL, Parquet from other tools) gets nullable integer and boolean dtypes,
    so a NULL never turns an integer column into floats and every batch has the same dtype.
    Strings become pandas `str`.

    >>> arrow_to_frame(pa.table({"a": [1, None]}))["a"].dtype
    Int64Dtype()
    """
    mapper = None if table.schema.pandas_metadata else _NULLABLE_DTYPES.get
    frame = table.to_pandas(types_mapper=mapper)
    if isinstance(frame.index, pd.RangeIndex):
        frame.index = pd.RangeIndex(len(frame))
        return frame
    return frame.reset_index()
