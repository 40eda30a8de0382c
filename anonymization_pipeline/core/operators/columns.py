"""Turning a pandas column of any dtype into Arrow text or numpy numbers, and back.

Operators work on whole columns through pyarrow compute kernels and numpy. Whatever the input
holds (str, numbers, mixed objects, categories), `text_array` gives one Arrow string array with
nulls where pandas saw missing values, so every operator handles mixed types the same way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def text_array(column: pd.Series) -> pa.LargeStringArray:
    """The column as Arrow large strings; non-strings are written with `str`, missing values are null.

    >>> text_array(pd.Series([1, "a", None], dtype=object)).to_pylist()
    ['1', 'a', None]
    """
    dtype = column.dtype
    is_arrow_text = isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"
    array = pa.array((column if is_arrow_text else column.astype("str")).array)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array if array.type == pa.large_string() else array.cast(pa.large_string())


def text_series(array: pa.Array, index: pd.Index) -> pd.Series:
    """An Arrow string array as a pandas `str` column on `index`, without copying the strings.

    >>> text_series(pa.array(["a", None]), pd.RangeIndex(2)).tolist()
    ['a', nan]
    """
    if array.type not in (pa.string(), pa.large_string()):
        array = array.cast(pa.large_string())
    return pd.Series(pd.array(array, dtype="str"), index=index)


def numeric_values(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(float64 values with NaN where missing or not a number, mask of present values that are not numbers).

    >>> values, non_numeric = numeric_values(pd.Series(["1.5", "x", None]))
    >>> values.tolist(), non_numeric.tolist()
    ([1.5, nan, nan], [False, True, False])
    """
    numbers = pd.to_numeric(column, errors="coerce")
    values = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
    non_numeric = column.notna().to_numpy() & np.isnan(values)
    return values, non_numeric


def count_changed(before: pa.Array, after: pa.Array) -> int:
    """Values present before that now differ (a value made null counts as changed).

    >>> count_changed(pa.array(["a", "b", None]), pa.array(["a", "*", None]))
    1
    """
    differs = pc.fill_null(pc.not_equal(before, after), True)
    return int(pc.sum(pc.and_(differs, pc.is_valid(before))).as_py() or 0)
