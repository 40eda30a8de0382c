"""Reading a table from any location, whole or in batches.

`iter_batches` is the one way in; `read_table` is its concatenation, so a batched run and a full
read see exactly the same rows and types. Opening problems (missing file, unknown table, no rows)
are raised when `iter_batches` is called, not at some later batch.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pandas as pd

from anonymization_pipeline.core.errors import ConfigurationError, InputDataError
from anonymization_pipeline.core.io.csv_files import iter_csv_batches
from anonymization_pipeline.core.io.locations import AnyLocation, describe_location
from anonymization_pipeline.core.io.parquet_files import iter_parquet_batches
from anonymization_pipeline.core.io.sql_tables import iter_sql_batches
from anonymization_pipeline.core.policy.model import CsvLocation, ParquetLocation, SqlLocation

DEFAULT_BATCH_SIZE = 100_000

_READERS: dict[type, Callable[..., Iterator[pd.DataFrame]]] = {
    CsvLocation: iter_csv_batches,
    ParquetLocation: iter_parquet_batches,
    SqlLocation: iter_sql_batches,
}


def iter_batches(location: AnyLocation, batch_size: int | None = None) -> Iterator[pd.DataFrame]:
    """Frames of `batch_size` rows (the last may be shorter), each with a RangeIndex from 0.

    `batch_size` defaults to the SQL location's `batch_size`, else 100,000. Raises InputDataError
    at once if the input is missing, unreadable or has no rows.

    >>> sum(len(batch) for batch in iter_batches(parse_location("users.csv"), 10_000))  # doctest: +SKIP
    30162
    """
    size = batch_size
    if size is None:
        size = location.batch_size if isinstance(location, SqlLocation) else DEFAULT_BATCH_SIZE
    if size < 1:
        raise ConfigurationError(f"batch_size must be at least 1, got {size}")
    batches = (batch for batch in _READERS[type(location)](location, size) if len(batch))
    first = next(batches, None)
    if first is None:
        raise InputDataError(f"{describe_location(location)} has no rows")
    return itertools.chain([first], batches)


def read_table(location: AnyLocation) -> pd.DataFrame:
    """The whole table. CSV columns are all `str` (leading zeros kept, empty cell = NA);
    Parquet and SQL keep their column types.

    >>> read_table(parse_location("sqlite:///users.db#users")).shape  # doctest: +SKIP
    (1000, 12)
    """
    return pd.concat(list(iter_batches(location)), ignore_index=True)
