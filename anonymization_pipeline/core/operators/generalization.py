"""Generalization primitives: the coarsenings hierarchies are made of and the privacy search applies.

Numeric intervals with labels, top/bottom coding, rounding, date truncation, prefix masking and
lookup through a hierarchy table. Each works on a whole column with numpy or Arrow kernels, and
turns values into a few distinct labels by computing integer codes first and labels once per code.
Missing values stay missing; values that cannot be generalized (text in a numeric column,
unparseable dates) get the `out_of_range` label or `*`, never their raw value.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.operators.arrow_text import NO_SEPARATOR, constant_text, large_text
from anonymization_pipeline.core.operators.base import OperatorParameterError
from anonymization_pipeline.core.operators.columns import numeric_values, text_array, text_series
from anonymization_pipeline.core.operators.dates import parse_dates

SUPPRESSED = "*"
DATE_UNITS = ("day", "month", "quarter", "year", SUPPRESSED)


def interval_codes(values: np.ndarray, edges: Sequence[float], closed: str = "left") -> np.ndarray:
    """Index of the interval each value falls in, -1 outside [edges[0], edges[-1]] or when NaN.

    `closed="left"` makes intervals [a, b) with the last one [a, b]; `"right"` makes (a, b] with the first [a, b].

    >>> interval_codes(np.array([0, 17.9, 18, 65, 70, np.nan]), [0, 18, 65]).tolist()
    [0, 0, 1, 1, -1, -1]
    """
    bounds = np.asarray(edges, dtype=np.float64)
    side = "right" if closed == "left" else "left"
    codes = np.searchsorted(bounds, values, side=side) - 1
    if closed == "left":
        codes[values == bounds[-1]] = bounds.size - 2
    else:
        codes[values == bounds[0]] = 0
    codes[(values < bounds[0]) | (values > bounds[-1]) | np.isnan(values)] = -1
    return codes


def interval_labels(edges: Sequence[float], closed: str = "left") -> list[str]:
    """Readable labels for the intervals between `edges`: `[18, 25)`, last one closed on both ends.

    >>> interval_labels([0, 18, 65])
    ['[0, 18)', '[18, 65]']
    """
    text = [number_text(edge) for edge in edges]
    pairs = list(pairwise(text))
    if closed == "left":
        return [f"[{a}, {b})" for a, b in pairs[:-1]] + [f"[{pairs[-1][0]}, {pairs[-1][1]}]"]
    return [f"[{pairs[0][0]}, {pairs[0][1]}]"] + [f"({a}, {b}]" for a, b in pairs[1:]]


def labels_for_codes(codes: np.ndarray, labels: Sequence[str], missing: np.ndarray, other: str) -> pa.Array:
    """Text per value from integer codes: `labels[code]`, `other` for code -1, null where `missing`.

    >>> labels_for_codes(np.array([1, -1, 0]), ["low", "high"], np.array([False, False, True]), "*").to_pylist()
    ['high', '*', None]
    """
    dictionary = pa.array([*labels, other], pa.large_string())
    indices = np.where(codes < 0, len(labels), codes).astype(np.int32)
    text = pa.DictionaryArray.from_arrays(pa.array(indices, mask=missing), dictionary)
    return text.cast(pa.large_string())


def generalize_intervals(
    column: pd.Series,
    edges: Sequence[float],
    labels: Sequence[str] | None = None,
    out_of_range: str = SUPPRESSED,
    closed: str = "left",
) -> pd.Series:
    """Numbers → interval labels; values outside the edges or not numbers → `out_of_range`.

    >>> generalize_intervals(pd.Series([5, 30, 99, None, "x"]), [0, 18, 65]).tolist()
    ['[0, 18)', '[18, 65]', '*', nan, '*']
    """
    values, _ = numeric_values(column)
    codes = interval_codes(values, edges, closed)
    text = labels_for_codes(codes, labels or interval_labels(edges, closed), column.isna().to_numpy(), out_of_range)
    return text_series(text, column.index)


def top_bottom_code(column: pd.Series, bottom: float | None = None, top: float | None = None) -> tuple[pd.Series, int]:
    """(numbers with values below `bottom` set to `bottom` and above `top` set to `top`, count recoded).

    Values that are not numbers become NaN, so that no outlier escapes as text.

    >>> coded, changed = top_bottom_code(pd.Series([1, 50, 250000]), bottom=10, top=150000)
    >>> coded.tolist(), changed
    ([10.0, 50.0, 150000.0], 2)
    """
    values, _ = numeric_values(column)
    coded = np.clip(values, bottom if bottom is not None else -np.inf, top if top is not None else np.inf)
    changed = int(np.count_nonzero(coded != values) - np.count_nonzero(np.isnan(values)))
    return pd.Series(coded, index=column.index, name=column.name), changed


def round_to(column: pd.Series, base: float, mode: str = "nearest") -> pd.Series:
    """Numbers rounded to a multiple of `base`: `nearest` (halves to even), `down` or `up`.

    >>> round_to(pd.Series([1234, 1750, None]), 500).tolist()
    [1000.0, 2000.0, nan]
    """
    values, _ = numeric_values(column)
    rounding = {"nearest": np.round, "down": np.floor, "up": np.ceil}[mode]
    return pd.Series(rounding(values / base) * base, index=column.index, name=column.name)


def truncate_dates(column: pd.Series, unit: str) -> pd.Series:
    """Dates as text truncated to `day` (2024-03-15), `month` (2024-03), `quarter` (2024-Q1),
    `year` (2024) or `*`; unparseable dates become `*`, missing ones stay missing.

    >>> truncate_dates(pd.Series(["2024-03-15", "2023-11-02", None]), "quarter").tolist()
    ['2024-Q1', '2023-Q4', nan]
    """
    if unit not in DATE_UNITS:
        raise OperatorParameterError("unit", f"{unit!r} is not one of: {', '.join(DATE_UNITS)}")
    values, _ = parse_dates(column)
    missing = column.isna().to_numpy()
    if unit == SUPPRESSED:
        return text_series(labels_for_codes(np.full(len(column), -1), [], missing, SUPPRESSED), column.index)
    numpy_unit = {"day": "D", "month": "M", "quarter": "M", "year": "Y"}[unit]
    truncated = values.astype(f"datetime64[{numpy_unit}]")
    steps = truncated.astype(np.int64)
    if unit == "quarter":
        steps = steps // 3
    unknown = np.isnat(truncated)
    codes, distinct = pd.factorize(np.where(unknown, np.iinfo(np.int64).min, steps))
    labels = [_date_label(step, unit) for step in distinct]
    codes = np.where(unknown, -1, codes)
    return text_series(labels_for_codes(codes, labels, missing, SUPPRESSED), column.index)


def mask_prefix(column: pd.Series, keep: int, char: str = SUPPRESSED) -> pd.Series:
    """Keep the first `keep` characters and mask the rest one for one (`12345` → `123**`).

    >>> mask_prefix(pd.Series(["12345", "123", None]), 3).tolist()
    ['123**', '123', nan]
    """
    text = text_array(column)
    hidden = pc.max_element_wise(pc.subtract(pc.utf8_length(text), keep), 0)
    masked = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(text, 0, keep), pc.binary_repeat(constant_text(char, len(text)), hidden), NO_SEPARATOR
    )
    return text_series(masked, column.index)


def hierarchy_level(column: pd.Series, table: pd.DataFrame, level: int) -> pd.Series:
    """Each value's entry at `level` of a hierarchy table (column 0: original values, column l: level l).

    Values missing from the table are an error listing the first few, since a hierarchy that does
    not cover the data would silently leave values ungeneralized.

    >>> table = pd.DataFrame([["Paris", "France", "*"], ["Lyon", "France", "*"]])
    >>> hierarchy_level(pd.Series(["Lyon", "Paris", None]), table, 1).tolist()
    ['France', 'France', nan]
    """
    if not 0 <= level < table.shape[1]:
        raise InputDataError(f"level {level} is not in the hierarchy (levels 0 to {table.shape[1] - 1})")
    originals = large_text(text_array(table.iloc[:, 0]))
    text = text_array(column)
    positions = pc.index_in(text, value_set=originals)
    unknown = pc.and_(pc.is_null(positions), pc.is_valid(text))
    if pc.any(unknown).as_py():
        raise InputDataError(f"{len(pc.unique(text.filter(unknown)))} distinct values are not in the hierarchy")
    generalized = text_array(table.iloc[:, level]).take(positions)
    return text_series(generalized, column.index)


def number_text(value: float) -> str:
    """A bound or parameter as people write it: `18`, not `18.0`; `0.2` as is.

    >>> number_text(18.0), number_text(0.25)
    ('18', '0.25')
    """
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _date_label(step: int, unit: str) -> str:
    if unit == "quarter":
        return f"{1970 + step // 4}-Q{step % 4 + 1}"
    numpy_unit = {"day": "D", "month": "M", "year": "Y"}[unit]
    return str(np.datetime64(int(step), numpy_unit))
