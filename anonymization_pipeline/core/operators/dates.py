"""Reading a column as dates and writing dates back in the form they came in.

Text is read as ISO 8601 (`2024-03-15`, `2024-03-15T08:30:00`, with or without a UTC offset;
offsets are converted to UTC). Columns of plain dates go through Arrow's cast in one pass; only
columns with offsets or bad values take pandas' slower parser. Anything else is "unparseable":
operators report how many and never release such a value unprotected.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from anonymization_pipeline.core.operators.columns import text_array


def parse_dates(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(datetime64 values with NaT where missing or unparseable, mask of present values that are unparseable).

    >>> values, unparseable = parse_dates(pd.Series(["2024-03-15", "soon", None]))
    >>> values.astype("datetime64[D]").astype(str).tolist(), unparseable.tolist()
    (['2024-03-15', 'NaT', 'NaT'], [False, True, False])
    """
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        parsed = (
            column if getattr(column.dtype, "tz", None) is None else column.dt.tz_convert("UTC").dt.tz_localize(None)
        )
        values = parsed.to_numpy()
    else:
        values = _parse_text(column)
    unparseable = column.notna().to_numpy() & np.isnat(values)
    return values, unparseable


def _parse_text(column: pd.Series) -> np.ndarray:
    """Arrow's ISO 8601 cast when every value is a plain date or date-time (fast); else pandas, value by value."""
    try:
        return pc.cast(text_array(column), pa.timestamp("us")).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        parsed = pd.to_datetime(column.astype("str"), errors="coerce", format="ISO8601", utc=True)
        return parsed.dt.tz_localize(None).to_numpy()


def format_dates(values: np.ndarray) -> pa.Array:
    """ISO 8601 text: dates only when no value has a time of day, else to the second; NaT becomes null.

    >>> format_dates(np.array(["2024-03-15", "NaT"], dtype="datetime64[s]")).to_pylist()
    ['2024-03-15', None]
    """
    days = values.astype("datetime64[D]")
    present = ~np.isnat(values)
    whole_days = bool((values[present] == days[present].astype(values.dtype)).all())
    text = np.datetime_as_string(days if whole_days else values.astype("datetime64[s]"))
    return pa.array(text, pa.large_string(), mask=~present)
