"""Equivalence classes over the quasi-identifiers, computed on integer codes.

Every risk measure is a function of the classes (rows that share one combination of generalized
quasi-identifier values), so they are computed once, vectorised: each column is factorized to
integer codes, the codes are combined into one key per row, and the keys are factorized again.
Missing values are a value of their own. A row whose every quasi-identifier cell is `*` is a
suppressed row (it reveals nothing); like ARX, the risk models leave suppressed rows out, unless
every row is `*`, in which case the whole table is one class.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SUPPRESSED = "*"
_KEY_LIMIT = 2**62


@dataclass(frozen=True)
class EquivalenceClasses:
    """Class id of every row (-1 for a suppressed row) and the size of every class."""

    row_class: np.ndarray
    sizes: np.ndarray
    suppressed_rows: int

    @property
    def rows(self) -> int:
        """Rows that belong to a class (suppressed rows excluded)."""
        return int(self.sizes.sum())

    @property
    def count(self) -> int:
        return len(self.sizes)

    def first_rows(self) -> np.ndarray:
        """Position of one row of each class, to read the class's values from the frame."""
        kept = np.flatnonzero(self.row_class >= 0)
        classes, first = np.unique(self.row_class[kept], return_index=True)
        out = np.empty(self.count, dtype=np.int64)
        out[classes] = kept[first]
        return out


def column_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of a column (missing values get a code of their own) and the distinct values.

    >>> column_codes(pd.Series(["b", "a", None, "b"]))[0].tolist()
    [0, 1, 2, 0]
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    return codes.astype(np.int64, copy=False), pd.Index(uniques)


def combine_codes(code_columns: list[np.ndarray], rows: int) -> np.ndarray:
    """One dense integer key per row for a tuple of code columns (a mixed-radix number, re-densified on overflow).

    >>> combine_codes([np.array([0, 1, 0]), np.array([2, 0, 2])], 3).tolist()
    [0, 1, 0]
    """
    key = np.zeros(rows, dtype=np.int64)
    radix = 1
    for codes in code_columns:
        cardinality = int(codes.max()) + 1 if len(codes) else 1
        if radix * cardinality >= _KEY_LIMIT:
            key, _ = pd.factorize(key)
            key = key.astype(np.int64, copy=False)
            radix = int(key.max()) + 1 if len(key) else 1
        key = key * cardinality + codes
        radix *= cardinality
    dense, _ = pd.factorize(key)
    return dense.astype(np.int64, copy=False)


def equivalence_classes(frame: pd.DataFrame, columns: list[str], weights: np.ndarray | None = None) -> EquivalenceClasses:
    """Group the rows of `frame` by the values of `columns`; with `weights` each row stands for
    that many records (a histogram of distinct rows, as a distributed group-by returns it).

    >>> classes = equivalence_classes(pd.DataFrame({"age": ["2*", "2*", "*"], "zip": ["1*", "1*", "*"]}), ["age", "zip"])
    >>> classes.sizes.tolist(), classes.suppressed_rows
    ([2], 1)
    """
    rows = len(frame)
    code_columns = []
    suppressed = np.ones(rows, dtype=bool)
    for name in columns:
        codes, uniques = column_codes(frame[name])
        code_columns.append(codes)
        star = np.flatnonzero(uniques.astype(object) == SUPPRESSED)
        if len(star):
            suppressed &= codes == star[0]
        else:
            suppressed[:] = False
    if not columns or suppressed.all():
        suppressed = np.zeros(rows, dtype=bool)
    keys = combine_codes(code_columns, rows)
    kept = ~suppressed
    row_class = np.full(rows, -1, dtype=np.int64)
    dense, _ = pd.factorize(keys[kept])
    row_class[kept] = dense
    kept_weights = None if weights is None else weights[kept]
    sizes = np.bincount(dense, weights=kept_weights, minlength=int(dense.max()) + 1 if len(dense) else 0)
    suppressed_rows = int(suppressed.sum()) if weights is None else int(weights[suppressed].sum())
    return EquivalenceClasses(row_class=row_class, sizes=sizes.astype(np.int64), suppressed_rows=suppressed_rows)
