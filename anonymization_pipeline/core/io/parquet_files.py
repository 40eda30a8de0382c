"""Reading and writing Parquet files.

Parquet carries its own types, so they are kept: a file written by pandas reads back with the
same dtypes; integer and boolean columns from other tools come back as nullable pandas dtypes.
Files are read row group by row group, so memory stays bounded. The index is not written.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from anonymization_pipeline.core.errors import InputDataError, OutputError
from anonymization_pipeline.core.io.arrow_batches import arrow_to_frame, rebatch
from anonymization_pipeline.core.io.atomic_files import atomic_output
from anonymization_pipeline.core.io.input_files import require_input_file
from anonymization_pipeline.core.policy.model import ParquetLocation

_ARROW_ERRORS = (pa.ArrowException, OSError)


def iter_parquet_batches(location: ParquetLocation, batch_size: int) -> Iterator[pd.DataFrame]:
    """Frames of `batch_size` rows with the file's own column types.

    >>> next(iter_parquet_batches(ParquetLocation(format="parquet", path="x.parquet"), 10))  # doctest: +SKIP
    """
    path = require_input_file(location.path, "Parquet")
    try:
        parquet_file = pq.ParquetFile(path)
    except _ARROW_ERRORS:
        raise InputDataError(_unreadable(location)) from None
    return _frames(parquet_file, location, batch_size)


def write_parquet(frame: pd.DataFrame, location: ParquetLocation) -> None:
    """Write atomically; a column pyarrow cannot store is named in the error.

    >>> write_parquet(pd.DataFrame({"a": [1]}), ParquetLocation(format="parquet", path="/tmp/a.parquet"))  # doctest: +SKIP
    """
    table = _to_arrow(frame, location)
    with atomic_output(location.path) as temporary:
        pq.write_table(table, temporary)


def _frames(parquet_file: pq.ParquetFile, location: ParquetLocation, batch_size: int) -> Iterator[pd.DataFrame]:
    tables = rebatch(parquet_file.iter_batches(batch_size=batch_size), batch_size)
    while True:
        try:
            table = next(tables, None)
        except _ARROW_ERRORS:
            raise InputDataError(_unreadable(location)) from None
        if table is None:
            return
        yield arrow_to_frame(table)


def _to_arrow(frame: pd.DataFrame, location: ParquetLocation) -> pa.Table:
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except pa.ArrowException:
        bad = next((str(name) for name, column in frame.items() if not _storable(column)), "?")
        raise OutputError(
            f"cannot write Parquet file {location.path}: column '{bad}' mixes value types "
            "or holds values Parquet cannot store"
        ) from None


def _storable(column: pd.Series) -> bool:
    try:
        pa.Array.from_pandas(column)
    except pa.ArrowException:
        return False
    return True


def _unreadable(location: ParquetLocation) -> str:
    return f"not a readable Parquet file (corrupted, truncated or another format): {location.path}"
