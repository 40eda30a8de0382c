"""What kind of values a column holds, read once so the model and the evaluation agree.

A column is a number (integer or not), a date, or a category. Text that holds only numbers is a
number (Adult's `age` is read as text), unless a value has a leading zero (a ZIP code keeps its
zeros as a category); text that holds only ISO dates is a date. Nulls are kept apart: they are a
value of their own in every kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

Kind = Literal["category", "number", "date"]
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
_LEADING_ZERO = r"^[+-]?0\d"
NS_PER_DAY = 86_400 * 10**9


@dataclass(frozen=True)
class ColumnValues:
    """A column read for modelling: numbers as float64 (dates as days since 1970), or categories
    as codes into their sorted distinct values (-1: null); `missing` marks the nulls.
    `text`/`dtype` say how to write values back."""

    name: str
    kind: Kind
    integer: bool
    text: bool
    dtype: object
    numbers: np.ndarray | None
    missing: np.ndarray
    codes: np.ndarray | None = None
    distinct: pd.Index | None = None


def read_column(series: pd.Series) -> ColumnValues:
    """Decide the kind of `series` and return its values in the form the model uses. Text is
    parsed once per distinct value, not once per row.

    >>> read_column(pd.Series(["39", "50", None])).kind
    'number'
    """
    missing = series.isna().to_numpy()
    name = str(series.name)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        days = _days(series)
        return ColumnValues(name, "date", _all_integral(days, missing), False, series.dtype, days, missing)
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        numbers = series.to_numpy(dtype=np.float64, na_value=np.nan)
        integer = pd.api.types.is_integer_dtype(series.dtype) or _all_integral(numbers, missing)
        return ColumnValues(name, "number", bool(integer), False, series.dtype, numbers, missing)
    codes, distinct = pd.factorize(series, sort=True, use_na_sentinel=True)
    category = ColumnValues(name, "category", False, True, series.dtype, None, missing, codes, distinct)
    if len(distinct) == 0 or pd.api.types.is_bool_dtype(series.dtype):
        return category
    text = pd.Series(distinct.astype("str"))
    if text.str.fullmatch(_ISO_DATE).all():
        parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        if parsed.notna().all():
            return ColumnValues(name, "date", True, True, series.dtype, _spread(_days(parsed), codes), missing)
    numbers = pd.to_numeric(text, errors="coerce")
    if numbers.notna().all() and not text.str.contains(_LEADING_ZERO).any():
        integer = not text.str.contains(r"[.eE]").any()
        values = _spread(numbers.to_numpy(dtype=np.float64), codes)
        return ColumnValues(name, "number", integer, True, series.dtype, values, missing)
    return category


def write_column(values: ColumnValues, numbers: np.ndarray | None, categories: pd.Series | None, missing: np.ndarray) -> pd.Series:
    """Values drawn by a model back in the column's own form: the same dtype, text as text,
    integers as integers, dates as dates (in their time zone), nulls where `missing`."""
    if values.kind == "category":
        return pd.Series(categories, name=values.name, dtype=values.dtype).where(~missing)
    whole = np.where(missing, 0.0, np.rint(numbers) if values.integer else numbers)
    if values.kind == "date":
        stamps = pd.Series((whole * NS_PER_DAY).astype("int64")).astype("datetime64[ns]").where(~missing)
        if values.text:
            return pd.Series(stamps.dt.strftime("%Y-%m-%d"), name=values.name, dtype=values.dtype).where(~missing)
        zone = getattr(values.dtype, "tz", None)
        if zone is not None:
            stamps = stamps.dt.tz_localize(zone, ambiguous="NaT", nonexistent="shift_forward")
        return stamps.astype(values.dtype).rename(values.name)
    if values.text:
        shown = pd.Series(whole.astype(np.int64) if values.integer else whole).astype("str")
        return pd.Series(shown.to_numpy(), name=values.name, dtype=values.dtype).where(~missing)
    column = pd.Series(whole, name=values.name).where(~missing)
    if pd.api.types.is_integer_dtype(values.dtype):
        return column.astype("Int64" if missing.any() else values.dtype)
    return column.astype(values.dtype)


def _spread(per_value: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Values parsed once per distinct value, spread back to the rows (NaN for nulls)."""
    return np.where(codes < 0, np.nan, per_value[np.maximum(codes, 0)])


def _days(series: pd.Series) -> np.ndarray:
    """Days since 1970 on the wall clock (a zoned date keeps its local day and time)."""
    stamps = series.dt.tz_localize(None) if getattr(series.dt, "tz", None) is not None else series
    nanoseconds = stamps.astype("datetime64[ns]").to_numpy().astype("int64").astype(np.float64)
    days = nanoseconds / NS_PER_DAY
    days[series.isna().to_numpy()] = np.nan
    return days


def _all_integral(numbers: np.ndarray, missing: np.ndarray) -> bool:
    present = numbers[~missing]
    return bool(np.all(np.isfinite(present)) and np.all(present == np.rint(present)))
