"""Writing a table to any location, atomically: the previous output stays until the new one is whole."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from anonymization_pipeline.core.io.csv_files import write_csv
from anonymization_pipeline.core.io.locations import AnyLocation
from anonymization_pipeline.core.io.parquet_files import write_parquet
from anonymization_pipeline.core.io.sql_tables import write_sql
from anonymization_pipeline.core.policy.model import CsvLocation, ParquetLocation, SqlLocation

_WRITERS: dict[type, Callable[..., None]] = {
    CsvLocation: write_csv,
    ParquetLocation: write_parquet,
    SqlLocation: write_sql,
}


def write_table(frame: pd.DataFrame, location: AnyLocation) -> None:
    """Replace the file or table at `location` with `frame` (no index); folders are created.

    On failure an OutputError is raised, the previous output is byte-for-byte unchanged and no
    temporary file or staging table is left behind.

    >>> write_table(frame, parse_location("out/anonymized.parquet"))  # doctest: +SKIP
    """
    _WRITERS[type(location)](frame, location)
