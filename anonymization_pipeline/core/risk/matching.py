"""Which published classes an outside record (raw quasi-identifier values) could belong to.

Two ways, both vectorised over the outside records:
- by equality, when the outside records were generalized with the published transformation;
- by containment, for any published cell: `*` contains everything, a hierarchy node contains the
  values below it (the hierarchy decides, whatever its label says: ARX's Adult age hierarchy puts
  40 under "35-39"), and otherwise a range `[lo-hi]` / `[lo, hi)` contains the numbers (or ISO dates) inside,
  a value set `{a, b}` contains its members, a masked prefix `123**` contains values of that
  length starting with `123`, a truncated date `1984-03` contains the days of that month, and a
  value contains itself. This is how
  Mondrian output (ranges and hierarchy nodes chosen per class) is matched.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from anonymization_pipeline.core.privacy.encoding import column_strings, distinct_strings
from anonymization_pipeline.core.privacy.grouping import combine_codes, group_keys
from anonymization_pipeline.core.privacy.hierarchies import Hierarchy
from anonymization_pipeline.core.risk.classes import SUPPRESSED, PublishedClasses, column_codes

_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_DATE = r"\d{4}-\d{2}-\d{2}"
_RANGE = re.compile(rf"^\s*([\[(]?)\s*({_NUMBER}|{_DATE})\s*(?:,|;|\.\.|\s-\s|-)\s*({_NUMBER}|{_DATE})\s*([\])]?)\s*$")
_TRUNCATED_DATE = re.compile(r"^\d{4}(?:-\d{2})?$")
_CHUNK_CELLS = 20_000_000


@dataclass(frozen=True)
class ClassMatches:
    """Pairs (outside record position, published class id): each record's candidate classes."""

    target: np.ndarray
    klass: np.ndarray

    def candidates(self, sizes: np.ndarray, targets: int) -> np.ndarray:
        """Number of published records each outside record could be."""
        return np.bincount(self.target, weights=sizes[self.klass], minlength=targets).astype(np.int64)

    def contains(self, target: np.ndarray, klass: np.ndarray) -> np.ndarray:
        """Whether each (target, class) pair is among the matches."""
        width = int(max(self.klass.max(initial=0), klass.max(initial=0))) + 1
        return np.isin(target * width + klass, self.target * width + self.klass)


def class_values(published: pd.DataFrame, classes: PublishedClasses, columns: list[str]) -> pd.DataFrame:
    """One row per class with its quasi-identifier values, as strings (missing stays missing)."""
    return published.iloc[classes.first_rows()][columns].astype("string").reset_index(drop=True)


def match_by_equality(values: pd.DataFrame, targets: pd.DataFrame, columns: list[str]) -> ClassMatches:
    """Each outside record (already generalized) matches the class with exactly its values.

    >>> classes = pd.DataFrame({"age": ["2*", "3*"]})
    >>> m = match_by_equality(classes, pd.DataFrame({"age": ["3*", "4*", "2*"]}), ["age"])
    >>> m.target.tolist(), m.klass.tolist()
    ([0, 2], [1, 0])
    """
    both = pd.concat([values[columns].astype("string"), targets[columns].astype("string")], ignore_index=True)
    keys = _dense_keys([column_codes(both[name])[0] for name in columns], len(both))
    class_keys, target_keys = keys[: len(values)], keys[len(values) :]
    found = pd.Index(class_keys).get_indexer(target_keys)
    target = np.flatnonzero(found >= 0)
    return ClassMatches(target=target.astype(np.int64), klass=found[target].astype(np.int64))


def hierarchy_tables(hierarchies: Mapping[str, Hierarchy], frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The privacy engine's hierarchies as tables (original values, then one column per level),
    each extended to cover `frame`'s values of its column: derived hierarchies are extended,
    since an outside list holds values the published data never had.

    >>> h = Hierarchy.from_rows("sex", [["F", "*"], ["M", "*"]])
    >>> hierarchy_tables({"sex": h}, pd.DataFrame({"sex": ["F"]}))["sex"].shape
    (2, 2)
    """
    tables = {}
    for name, hierarchy in hierarchies.items():
        covering = hierarchy.covering(distinct_strings(column_strings(frame[name]))) if name in frame.columns else hierarchy
        tables[name] = pd.DataFrame(covering.table).astype(str)
    return tables


def _leaves_below(table: pd.DataFrame, node: str) -> pd.Index:
    hits = (table.iloc[:, 1:] == node).any(axis=1)
    return pd.Index(table.iloc[:, 0][hits])


def cell_contains(cell, raw: pd.Series, numbers: pd.Series, hierarchy: pd.DataFrame | None) -> np.ndarray:
    """Whether each raw value lies inside the published cell (see the module docstring).

    >>> raw = pd.Series(["23", "35", "9"], dtype="string")
    >>> cell_contains("[20-29]", raw, pd.to_numeric(raw), None).tolist()
    [True, False, False]
    """
    if pd.isna(cell):
        return raw.isna().to_numpy()
    if cell == SUPPRESSED:
        return np.ones(len(raw), dtype=bool)
    inside = (raw == cell).fillna(False).to_numpy(dtype=bool)
    if hierarchy is not None:
        leaves = _leaves_below(hierarchy, cell)
        if len(leaves):
            return inside | raw.isin(leaves).to_numpy(dtype=bool)
    if cell.startswith("{") and cell.endswith("}"):
        members = [member.strip() for member in cell[1:-1].split(",")]
        return inside | raw.isin(members).to_numpy(dtype=bool)
    ranged = _RANGE.match(cell)
    if ranged:
        opening, low, high, closing = ranged.groups()
        if re.fullmatch(_NUMBER, low) and re.fullmatch(_NUMBER, high):
            scale, lo, hi = numbers, float(low), float(high)
        else:
            scale, lo, hi = raw, low, high
        above = scale > lo if opening == "(" else scale >= lo
        below = scale < hi if closing == ")" else scale <= hi
        inside |= (above & below).fillna(False).to_numpy(dtype=bool)
    if cell.endswith("*"):
        prefix = cell.rstrip("*")
        same_shape = raw.str.startswith(prefix) & (raw.str.len() == len(cell))
        inside |= same_shape.fillna(False).to_numpy(dtype=bool)
    if _TRUNCATED_DATE.match(cell):
        inside |= raw.str.startswith(cell + "-").fillna(False).to_numpy(dtype=bool)
    return inside


def _cell_masks(cells: pd.Index, column: pd.Series, hierarchy: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the outside column's distinct values and, per published cell, which of them it contains."""
    codes, distinct = column_codes(column)
    raw = pd.Series(distinct, dtype="string")
    numbers = pd.to_numeric(raw, errors="coerce")
    masks = np.zeros((len(cells), len(distinct)), dtype=bool)
    for position, cell in enumerate(cells):
        masks[position] = cell_contains(cell, raw, numbers, hierarchy)
    return codes, masks


def match_by_containment(
    values: pd.DataFrame, targets: pd.DataFrame, columns: list[str], hierarchies: dict[str, pd.DataFrame] | None = None
) -> ClassMatches:
    """Each outside record (raw values) matches every class whose cells all contain its values.

    Containment is decided once per (published cell, distinct outside value). When every outside
    value lies in at most one cell of each column (full-domain output), records are matched by a
    key lookup; otherwise (overlapping cells) classes are tested in chunks.

    >>> classes = pd.DataFrame({"age": ["[20-29]", "[30-39]"], "sex": ["*", "F"]})
    >>> m = match_by_containment(classes, pd.DataFrame({"age": ["31", "25"], "sex": ["F", "M"]}), ["age", "sex"])
    >>> m.target.tolist(), m.klass.tolist()
    ([1, 0], [0, 1])
    """
    hierarchies = hierarchies or {}
    class_codes, target_codes, masks = [], [], []
    for name in columns:
        codes, cells = column_codes(values[name])
        value_codes, cell_masks = _cell_masks(cells, targets[name], hierarchies.get(name))
        class_codes.append(codes)
        target_codes.append(value_codes)
        masks.append(cell_masks)
    if all(mask.sum(axis=0).max(initial=0) <= 1 for mask in masks):
        return _match_single_cells(class_codes, target_codes, masks, len(values))
    return _match_overlapping_cells(class_codes, target_codes, masks, len(values), len(targets))


def _match_single_cells(class_codes, target_codes, masks, classes: int) -> ClassMatches:
    """Each outside record has one cell per column: look its tuple of cells up among the classes."""
    cell_of_target = []
    for codes, mask in zip(target_codes, masks):
        cell = np.where(mask.any(axis=0), mask.argmax(axis=0), -1)
        cell_of_target.append(cell[codes])
    rows = len(cell_of_target[0]) if cell_of_target else 0
    located = np.logical_and.reduce([cell >= 0 for cell in cell_of_target]) if cell_of_target else np.ones(rows, dtype=bool)
    both = [np.r_[codes, np.maximum(cell, 0)] for codes, cell in zip(class_codes, cell_of_target)]
    keys = _dense_keys(both, classes + rows)
    found = pd.Index(keys[:classes]).get_indexer(keys[classes:])
    target = np.flatnonzero((found >= 0) & located)
    return ClassMatches(target=target.astype(np.int64), klass=found[target].astype(np.int64))


def _match_overlapping_cells(class_codes, target_codes, masks, classes: int, targets: int) -> ClassMatches:
    chunk = max(1, _CHUNK_CELLS // max(targets, 1))
    found_target, found_class = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for start in range(0, classes, chunk):
        stop = min(start + chunk, classes)
        inside = np.ones((stop - start, targets), dtype=bool)
        for codes, value_codes, mask in zip(class_codes, target_codes, masks):
            inside &= mask[codes[start:stop]][:, value_codes]
        klass, target = np.nonzero(inside)
        found_class.append(klass + start)
        found_target.append(target)
    return ClassMatches(target=np.concatenate(found_target).astype(np.int64), klass=np.concatenate(found_class).astype(np.int64))


def _dense_keys(codes: list[np.ndarray], rows: int) -> np.ndarray:
    """One dense id per position, equal exactly where every code column is equal."""
    key, space = combine_codes(codes, [int(c.max()) + 1 if len(c) else 1 for c in codes], rows)
    return group_keys(key, space).class_of
