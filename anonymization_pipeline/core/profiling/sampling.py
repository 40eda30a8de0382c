"""A seeded sample of each column's values: what every detector looks at.

Only the first rows of the input are read (a window of `WINDOW_PER_VALUE` rows per sampled value,
at least `MIN_WINDOW_ROWS`): a 100-million-row table is profiled from its head, not loaded whole.
From that window each column gives up to `size` non-missing values, drawn at random with the seed,
trimmed, as one Arrow string array; cells that only say "missing" (`NA`, `null`, `?`, ...) are
counted as missing, not as values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from anonymization_pipeline.core.operators.columns import text_array

DEFAULT_SAMPLE_SIZE = 1_000
WINDOW_PER_VALUE = 20
MIN_WINDOW_ROWS = 20_000
OVERSAMPLE = 3
"""Rows drawn per value wanted: room for a third of the cells to be missing before reading the column whole."""
MISSING_TOKENS = pa.array(["", "na", "n/a", "nan", "null", "none", "nil", "?", "-", "--", "missing", "#n/a"])


@dataclass(frozen=True)
class ColumnSample:
    """Up to `size` non-missing values of one column, as trimmed text, plus what was counted around them.

    `numeric_source` says the input typed the column as numbers (Parquet, SQL), where a CSV gives text.
    """

    name: str
    values: pa.Array = field(repr=False)
    rows_read: int
    missing: int
    numeric_source: bool = False
    placeholders: int = 0
    """Cells that hold a word for missing (`NA`, `?`): the pipeline reads them as values."""

    @property
    def size(self) -> int:
        return len(self.values)

    def describe(self) -> str:
        """The sample as the evidence states it (missing cells estimated from the rows drawn on a long column)."""
        return f"{self.size} non-missing values sampled of {self.rows_read} rows read ({self.missing} missing)"


@dataclass(frozen=True)
class TableSample:
    """The window read from an input and its columns' samples, in the input's column order."""

    source: str
    rows_read: int
    columns: list[ColumnSample]


def window_rows(size: int) -> int:
    """How many rows are read to sample `size` values per column: fewer read means the whole input."""
    return max(size * WINDOW_PER_VALUE, MIN_WINDOW_ROWS)


def sample_table(frame: pd.DataFrame, size: int = DEFAULT_SAMPLE_SIZE, seed: int = 0, source: str = "") -> TableSample:
    """Every column's sample; the same frame, size and seed always give the same samples.

    >>> sample_table(pd.DataFrame({"a": ["x", None, "NA", " y "]}), size=10).columns[0].values.to_pylist()
    ['x', 'y']
    """
    rng = np.random.default_rng(seed)
    columns = [sample_column(str(name), frame[name], size, rng) for name in frame.columns]
    return TableSample(source, len(frame), columns)


def sample_column(name: str, column: pd.Series, size: int, rng: np.random.Generator) -> ColumnSample:
    """Up to `size` present values of `column`, drawn without replacement, in their original order.

    Rows are drawn first (`OVERSAMPLE` times `size`) and only those are converted and checked, so a
    long column costs what its sample costs; a column too sparse for that is read whole.
    """
    rows = len(column)
    if rows > size * OVERSAMPLE:
        drawn = np.sort(rng.choice(rows, size * OVERSAMPLE, replace=False))
        cells = _cells(column.iloc[drawn])
        if len(cells.values) >= size:
            chosen = np.sort(rng.choice(len(cells.values), size, replace=False))
            scale = rows / len(drawn)
            return _sample(
                name,
                column,
                cells.values.take(pa.array(chosen)),
                rows,
                round((len(drawn) - len(cells.values)) * scale),
                cells.placeholders,
            )
    cells = _cells(column)
    values = cells.values
    if len(values) > size:
        values = values.take(pa.array(np.sort(rng.choice(len(values), size, replace=False))))
    return _sample(name, column, values, rows, rows - len(cells.values), cells.placeholders)


@dataclass(frozen=True)
class _Cells:
    values: pa.Array
    placeholders: int


def _cells(column: pd.Series) -> _Cells:
    """The trimmed values that are not missing, and how many cells only say "missing" in words."""
    text = pc.utf8_trim_whitespace(text_array(column))
    token = pc.is_in(pc.utf8_lower(text), value_set=MISSING_TOKENS)
    present = pc.and_(pc.is_valid(text), pc.invert(token))
    placeholders = pc.and_(pc.fill_null(token, False), pc.not_equal(text, ""))
    return _Cells(text.filter(present), int(pc.sum(placeholders).as_py() or 0))


def _sample(name: str, column: pd.Series, values: pa.Array, rows: int, missing: int, placeholders: int) -> ColumnSample:
    numeric = pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype)
    return ColumnSample(name, values, rows, missing, numeric, placeholders)
