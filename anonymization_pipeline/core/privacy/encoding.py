"""Integer encoding of the quasi-identifiers and sensitive attributes, done once per search.

Rows become distinct quasi-identifier tuples with counts (and, per sensitive attribute, distinct
(tuple, value) pairs with counts), so every later step works on tuples, never on rows. For each
column and level the tuples' node ids are precomputed, so a lattice node's classes come from a
few gathers and one grouping.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.privacy.grouping import SensitivePairs, combine_codes, count_pairs, group_keys
from anonymization_pipeline.core.privacy.hierarchies import MISSING, Hierarchy


def column_strings(series: pd.Series) -> pa.Array:
    """The column as Arrow strings (numbers as their shortest text, midnight timestamps as dates);
    missing cells (NA or empty) are null.

    >>> column_strings(pd.Series([39.0, None])).to_pylist()
    ['39', None]
    """
    try:
        array = pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        text = series.astype(str).to_numpy(dtype=object)
        array = pa.array(text, mask=series.isna().to_numpy(), type=pa.string())
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_timestamp(array.type):
        dates = array.cast(pa.date32(), safe=False)
        if pc.all(pc.equal(dates.cast(array.type), array)).as_py() is not False:
            array = dates
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        array = array.cast(pa.string())
    return pc.if_else(pc.equal(array, MISSING), pa.scalar(None, array.type), array)


def column_text(series: pd.Series) -> np.ndarray:
    """The column as str objects, with MISSING ("") for NA and empty cells.

    >>> column_text(pd.Series([39, None])).tolist()
    ['39', '']
    """
    return column_strings(series).fill_null(MISSING).to_numpy(zero_copy_only=False).astype(object)


def distinct_strings(array: pa.Array) -> np.ndarray:
    """The distinct non-missing values of a `column_strings` array, as str objects.

    >>> distinct_strings(column_strings(pd.Series(["a", None, "a"]))).tolist()
    ['a']
    """
    return pc.unique(array.drop_null()).to_numpy(zero_copy_only=False).astype(object)


def _positions(array: pa.Array, values: np.ndarray) -> pa.Array:
    return pc.index_in(array, value_set=pa.array(values.astype(str), type=array.type))


def encode_column(series: pd.Series, hierarchy: Hierarchy) -> tuple[Hierarchy, np.ndarray]:
    """Each cell's row in the hierarchy (adding a missing-value row when the column has gaps).

    Raises InputDataError naming the column and the first values its hierarchy lacks.

    >>> h = Hierarchy.from_rows("sex", [["Male", "*"], ["Female", "*"]])
    >>> encode_column(pd.Series(["Female", None]), h)[1].tolist()
    [1, 2]
    """
    array = column_strings(series)
    if array.null_count:
        hierarchy = hierarchy.with_missing_row()
    index = _positions(array, hierarchy.values)
    absent = pc.and_(pc.is_null(index), pc.is_valid(array))
    if pc.any(absent).as_py():
        values = distinct_strings(array.filter(absent))
        raise InputDataError(
            f"column '{hierarchy.column}': {len(values)} distinct value(s) in {int(pc.sum(absent).as_py())} row(s) "
            "are not in its hierarchy; add them to the hierarchy"
        )
    missing_row = int(hierarchy.index_of(np.array([MISSING]))[0])
    return hierarchy, index.fill_null(missing_row).to_numpy().astype(np.int32)


def natural_order(values: np.ndarray) -> np.ndarray:
    """Distinct values sorted numerically when all are numbers, else lexicographically; MISSING last.

    >>> natural_order(np.array(["10", "9", ""], dtype=object)).tolist()
    ['9', '10', '']
    """
    distinct = pd.unique(values)
    present = distinct[distinct != MISSING]
    numbers = pd.to_numeric(pd.Series(present, dtype=object), errors="coerce").to_numpy(dtype=float)
    order = np.argsort(numbers, kind="stable") if not np.isnan(numbers).any() else np.argsort(present.astype(str), kind="stable")
    tail = [MISSING] if len(present) < len(distinct) else []
    return np.concatenate([present[order], np.array(tail, dtype=object)]).astype(object)


@dataclass(frozen=True)
class SensitiveAttribute:
    """A sensitive column's reference: its values (ids follow the natural order), their counts in
    the reference table (the input, as ARX), and its hierarchy when a distance needs one."""

    name: str
    labels: np.ndarray
    distribution: np.ndarray
    hierarchy: Hierarchy | None

    @property
    def width(self) -> int:
        return len(self.labels)

    def level_codes(self) -> list[np.ndarray]:
        """Per level of the sensitive hierarchy, the node id of each value id."""
        rows = self.hierarchy.index_of(self.labels)
        return [self.hierarchy.codes(level)[rows] for level in range(self.hierarchy.height)]

    def codes(self, series: pd.Series) -> np.ndarray:
        """The value id of each cell; raises InputDataError when a cell is not a reference value."""
        array = column_strings(series)
        codes = _positions(array, self.labels).fill_null(self.width - 1 if self.labels[-1] == MISSING else -1)
        codes = codes.to_numpy().astype(np.int64)
        if (codes < 0).any():
            raise InputDataError(f"column '{self.name}': {int((codes < 0).sum())} value(s) are not in the reference distribution")
        return codes


def sensitive_attribute(
    series: pd.Series, name: str, hierarchy: Hierarchy | None, weights: np.ndarray | None = None
) -> SensitiveAttribute:
    """The reference of a sensitive column: its distinct values in natural order and their counts
    (each row counted `weights` times when given).

    >>> sensitive_attribute(pd.Series(["b", "a", "b"]), "s", None).distribution.tolist()
    [1, 2]
    """
    array = column_strings(series)
    distinct = distinct_strings(array)
    labels = natural_order(np.append(distinct, MISSING) if array.null_count else distinct)
    if hierarchy is not None:
        hierarchy, _ = encode_column(pd.Series(labels, dtype=object), hierarchy)
    attribute = SensitiveAttribute(name, labels, np.zeros(len(labels), dtype=np.int64), hierarchy)
    return replace(
        attribute, distribution=np.bincount(attribute.codes(series), weights=weights, minlength=len(labels)).astype(np.int64)
    )


@dataclass(frozen=True, eq=False)
class EncodedTable:
    """The quasi-identifiers (policy order) of a frame as distinct tuples of hierarchy-row codes."""

    columns: list[str]
    hierarchies: list[Hierarchy]
    rows: int
    row_tuple: np.ndarray
    tuple_codes: np.ndarray
    tuple_counts: np.ndarray
    value_counts: list[np.ndarray]
    sensitive: dict[str, SensitiveAttribute]
    sensitive_pairs: dict[str, SensitivePairs]

    @property
    def tuples(self) -> int:
        return len(self.tuple_counts)

    @property
    def heights(self) -> list[int]:
        return [h.height for h in self.hierarchies]

    def cards(self, levels: tuple[int, ...] | np.ndarray) -> list[int]:
        """Number of nodes of each column's hierarchy at the given levels."""
        return [len(h.labels(int(level))) for h, level in zip(self.hierarchies, levels)]

    @cached_property
    def _tuple_level_codes(self) -> list[list[np.ndarray]]:
        return [[h.codes(level)[codes] for level in range(h.height)] for h, codes in zip(self.hierarchies, self.tuple_codes)]

    def tuple_level_codes(self, column: int, level: int) -> np.ndarray:
        """Node id at `level` of each distinct tuple's value in `column`."""
        return self._tuple_level_codes[column][level]

    def node_keys(self, levels: tuple[int, ...], tuples: np.ndarray | None = None) -> tuple[np.ndarray, int]:
        """One key per tuple (all of them, or those given) that is equal exactly when the tuples
        generalize alike at `levels`."""
        cards = self.cards(levels)
        used = [j for j, card in enumerate(cards) if card > 1]
        codes = [self.tuple_level_codes(j, levels[j]) for j in used]
        if tuples is not None:
            codes = [column[tuples] for column in codes]
        return combine_codes(codes, [cards[j] for j in used], len(self.tuple_counts) if tuples is None else len(tuples))


def encode_table(
    frame: pd.DataFrame,
    hierarchies: dict[str, Hierarchy],
    quasi_identifiers: list[str],
    sensitive: dict[str, Hierarchy | None],
    weights: np.ndarray | None = None,
) -> EncodedTable:
    """Encode `frame`'s quasi-identifiers and sensitive columns once.

    `sensitive` maps each sensitive attribute a criterion uses to its hierarchy (or None); the
    frame's own distribution of each is the reference. `weights` (int64, one per row) makes each
    row stand for that many records: a frame of distinct tuples with their counts, as a
    distributed group-by returns it, encodes to the same table as the rows it counts (`rows` is
    then the sum of the weights).

    >>> encode_table(frame, hierarchies, ["sex", "age"], {}).tuples  # doctest: +SKIP
    1234
    """
    missing = [c for c in [*quasi_identifiers, *sensitive] if c not in frame.columns]
    if missing:
        raise InputDataError(f"the input has no column(s) {', '.join(repr(c) for c in missing)} named in the policy's privacy section")
    encoded = [encode_column(frame[name], hierarchies[name]) for name in quasi_identifiers]
    used = [h for h, _ in encoded]
    row_codes = [codes for _, codes in encoded]
    key, space = combine_codes(row_codes, [len(h.values) for h in used], len(frame))
    groups = group_keys(key, space, weights)
    counts = groups.totals
    tuple_codes = np.array([codes[groups.reps] for codes in row_codes], dtype=np.int32).reshape(len(used), groups.count)
    value_counts = [np.bincount(codes, weights=weights, minlength=len(h.values)).astype(np.int64) for h, codes in zip(used, row_codes)]
    attributes = {name: sensitive_attribute(frame[name], name, hierarchy, weights) for name, hierarchy in sensitive.items()}
    pairs = {
        name: count_pairs(groups.class_of, attribute.codes(frame[name]), groups.count, attribute.width, weights)
        for name, attribute in attributes.items()
    }
    rows = len(frame) if weights is None else int(weights.sum())
    return EncodedTable(list(quasi_identifiers), used, rows, groups.class_of, tuple_codes, counts, value_counts, attributes, pairs)
