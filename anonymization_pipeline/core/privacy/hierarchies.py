"""Generalization hierarchies: one row per original value, one column per level, level 0 the value.

They are built from the policy's specs: ARX's table files as they are, and intervals, prefixes and
dates derived from the values the data holds (so those can grow to cover new values, which the
linkage-attack simulation needs when it generalizes an outside list the same way).
A missing value (NA or empty cell) is a value of its own: it generalizes to `*` above level 0
unless the hierarchy lists an empty cell for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from anonymization_pipeline.core.errors import ConfigurationError, InputDataError
from anonymization_pipeline.core.operators.generalization import interval_codes, interval_labels, mask_prefix, number_text
from anonymization_pipeline.core.policy.model import (
    DateHierarchy,
    IntervalHierarchy,
    PrefixHierarchy,
    TableHierarchy,
)

TOP = "*"
MISSING = ""

HierarchySpec = TableHierarchy | IntervalHierarchy | PrefixHierarchy | DateHierarchy
_DATE_FORMATS = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
_DATE_ORDER = ["day", "month", "quarter", "year", TOP]


@dataclass(frozen=True, eq=False)
class Hierarchy:
    """A validated hierarchy for one column.

    >>> h = Hierarchy.from_rows("sex", [["Male", "*"], ["Female", "*"]])
    >>> h.height, h.labels(1).tolist()
    (2, ['*'])
    """

    column: str
    table: np.ndarray
    spec: HierarchySpec | None = field(default=None)

    @classmethod
    def from_rows(cls, column: str, rows: list[list[str]] | np.ndarray, spec: HierarchySpec | None = None) -> Hierarchy:
        """Validate a table of strings (rows = values, columns = levels) and wrap it."""
        table = np.asarray(rows, dtype=object)
        if table.ndim != 2 or table.shape[0] == 0 or table.shape[1] == 0:
            raise ConfigurationError(f"hierarchy for '{column}': needs at least one row and one level")
        hierarchy = cls(column, table, spec)
        hierarchy.validate()
        return hierarchy

    @property
    def height(self) -> int:
        return self.table.shape[1]

    @property
    def values(self) -> np.ndarray:
        """The original values, one per row (level 0)."""
        return self.table[:, 0]

    @cached_property
    def _levels(self) -> list[tuple[np.ndarray, np.ndarray]]:
        result = []
        for level in range(self.height):
            labels, codes = np.unique(self.table[:, level].astype(str), return_inverse=True)
            result.append((codes.astype(np.int32), labels.astype(object)))
        return result

    def codes(self, level: int) -> np.ndarray:
        """For each row, the id of its node at `level` (ids are dense, 0..nodes-1)."""
        return self._levels[level][0]

    def labels(self, level: int) -> np.ndarray:
        """The node labels at `level`, indexed by node id."""
        return self._levels[level][1]

    def index_of(self, values: np.ndarray) -> np.ndarray:
        """Row index of each value (str objects; MISSING for a missing cell), -1 where absent."""
        return pd.Index(self.values.astype(str)).get_indexer(values)

    def with_missing_row(self) -> Hierarchy:
        """This hierarchy plus a row for the missing value (`*` above level 0), unless it has one."""
        if (self.values == MISSING).any():
            return self
        row = np.array([[MISSING] + [TOP] * (self.height - 1)], dtype=object)
        return Hierarchy.from_rows(self.column, np.vstack([self.table, row]), self.spec)

    def covering(self, values: np.ndarray) -> Hierarchy:
        """A hierarchy that also covers `values` where it is derived from data; a table stays as it is."""
        if self.spec is None or isinstance(self.spec, TableHierarchy):
            return self
        known = self.values[self.values != MISSING]
        extended = derive_hierarchy(self.column, self.spec, np.union1d(known.astype(str), values.astype(str)))
        return extended.with_missing_row() if (self.values == MISSING).any() else extended

    def validate(self) -> None:
        """Unique original values, and each level-l node generalizes to exactly one level-l+1 node."""
        values = self.values.astype(str)
        unique, counts = np.unique(values, return_counts=True)
        if (counts > 1).any():
            raise ConfigurationError(
                f"hierarchy for '{self.column}': {int((counts > 1).sum())} value(s) listed more than once"
            )
        for level in range(self.height - 1):
            pairs = np.unique(np.stack([self.codes(level), self.codes(level + 1)]), axis=1)
            nodes, counts = np.unique(pairs[0], return_counts=True)
            if (counts > 1).any():
                raise ConfigurationError(
                    f"hierarchy for '{self.column}': {int((counts > 1).sum())} level {level} node(s) generalize to "
                    f"more than one level {level + 1} node; a level must refine the next"
                )


def read_table_hierarchy(column: str, spec: TableHierarchy) -> Hierarchy:
    """ARX's format: no header, `;`- or `,`-separated (`spec.delimiter` first), one column per level.

    >>> read_table_hierarchy("sex", TableHierarchy(table="sex.csv")).height  # doctest: +SKIP
    2
    """
    path = Path(spec.table)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise ConfigurationError(f"hierarchy for '{column}': file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigurationError(f"hierarchy for '{column}': cannot read {path}: {error}") from None
    lines = [line for line in lines if line.strip()]
    rows = [line.split(_delimiter(lines, spec.delimiter)) for line in lines]
    if len({len(row) for row in rows}) > 1:
        raise ConfigurationError(f"hierarchy for '{column}': every row of {path} needs the same number of levels")
    return Hierarchy.from_rows(column, rows, spec)


def _delimiter(lines: list[str], configured: str) -> str:
    """ARX writes `;` or `,`: when the configured one never occurs but the other is on every line, use that."""
    other = {";": ",", ",": ";"}.get(configured)
    if other and lines and not any(configured in line for line in lines) and all(other in line for line in lines):
        return other
    return configured


def derive_hierarchy(column: str, spec: HierarchySpec, values: np.ndarray) -> Hierarchy:
    """Build an interval, prefix or date hierarchy over the distinct non-missing `values` (str).

    >>> derive_hierarchy("age", IntervalHierarchy(intervals=[0, 50, 100]), np.array(["7", "70"])).table.tolist()
    [['7', '[0, 50)', '*'], ['70', '[50, 100]', '*']]
    """
    values = np.unique(np.asarray(values, dtype=str)).astype(object)
    if isinstance(spec, IntervalHierarchy):
        levels = _interval_levels(column, spec.intervals, values)
    elif isinstance(spec, PrefixHierarchy):
        levels = _prefix_levels(spec.prefix, values)
    elif isinstance(spec, DateHierarchy):
        levels = _date_levels(column, spec.dates, values)
    else:
        raise ConfigurationError(f"hierarchy for '{column}': a table hierarchy is read, not derived")
    table = np.column_stack([values, *levels])
    if not len(table):
        table = np.array([[MISSING] + [TOP] * len(levels)], dtype=object)
    return Hierarchy.from_rows(column, table, spec)


def _missing_values_error(column: str, what: str, values: np.ndarray) -> InputDataError:
    """Names the column and how many distinct values, never the values: they are personal data."""
    return InputDataError(f"column '{column}': {len(values)} distinct value(s) {what}")


def _interval_levels(column: str, edges: list[float], values: np.ndarray) -> list[np.ndarray]:
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)
    if np.isnan(numbers).any():
        raise _missing_values_error(column, "are not numbers, which an intervals hierarchy needs", values[np.isnan(numbers)])
    bins = interval_codes(numbers, edges)
    if (bins < 0).any():
        raise _missing_values_error(
            column,
            f"are outside the hierarchy's intervals [{number_text(edges[0])}, {number_text(edges[-1])}]",
            values[bins < 0],
        )
    bounds = list(edges)
    levels = []
    while len(bounds) > 2:
        levels.append(np.array(interval_labels(bounds), dtype=object)[bins])
        bins = bins // 2
        bounds = bounds[:-1:2] + [bounds[-1]]
    levels.append(np.full(len(values), TOP, dtype=object))
    return levels


def _prefix_levels(lengths: list[int], values: np.ndarray) -> list[np.ndarray]:
    text = pd.Series(values, dtype=object)
    levels = [mask_prefix(text, n, TOP).to_numpy(dtype=object) for n in lengths if n > 0]
    levels.append(np.full(len(values), TOP, dtype=object))
    return levels


def _date_levels(column: str, names: list[str], values: np.ndarray) -> list[np.ndarray]:
    positions = [_DATE_ORDER.index(name) for name in names]
    if any(b <= a for a, b in zip(positions, positions[1:])):
        raise ConfigurationError(f"hierarchy for '{column}': date levels must go from fine to coarse: {', '.join(_DATE_ORDER)}")
    dates = pd.to_datetime(pd.Series(values, dtype=object), errors="coerce", format="ISO8601", utc=True)
    if dates.isna().any():
        raise _missing_values_error(column, "are not ISO dates, which a dates hierarchy needs", values[dates.isna().to_numpy()])
    levels = []
    for name in names:
        if name == TOP:
            levels.append(np.full(len(values), TOP, dtype=object))
        elif name == "quarter":
            levels.append((dates.dt.year.astype(str) + "-Q" + dates.dt.quarter.astype(str)).to_numpy(dtype=object))
        else:
            levels.append(dates.dt.strftime(_DATE_FORMATS[name]).to_numpy(dtype=object))
    return levels
