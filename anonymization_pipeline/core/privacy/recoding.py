"""Writing a chosen transformation into a frame: generalized labels, then suppression.

Labels are looked up per distinct tuple and spread to rows with one gather per column. Every other
column passes through untouched; suppression either masks the quasi-identifier cells with `*`
or removes the rows, keeping the order of the rest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from anonymization_pipeline.core.privacy.encoding import EncodedTable, column_strings, distinct_strings, encode_column
from anonymization_pipeline.core.privacy.grouping import group_keys
from anonymization_pipeline.core.privacy.hierarchies import MISSING, TOP, Hierarchy


def _labels(hierarchy: Hierarchy, level: int, rows: np.ndarray) -> pd.Series:
    """Labels of the hierarchy rows `rows` at `level`; a missing value stays missing at level 0."""
    labels = pa.array(hierarchy.labels(level).astype(str))
    if level == 0:
        labels = pc.if_else(pc.equal(labels, MISSING), pa.scalar(None, pa.string()), labels)
    return labels.take(pa.array(hierarchy.codes(level)[rows])).to_pandas()


def apply_transformation(frame: pd.DataFrame, hierarchies: dict[str, Hierarchy], levels: dict[str, int]) -> pd.DataFrame:
    """Generalize the columns named in `levels` to those levels; no suppression.

    Hierarchies derived from data (intervals, prefixes, dates) grow to cover new values, so an
    outside list can be generalized exactly as the published data was.

    >>> apply_transformation(pd.DataFrame({"sex": ["Male"]}), {"sex": sex_hierarchy}, {"sex": 1})["sex"].tolist()  # doctest: +SKIP
    ['*']
    """
    result = frame.copy()
    for column, level in levels.items():
        hierarchy = hierarchies[column].covering(distinct_strings(column_strings(frame[column])))
        hierarchy, rows = encode_column(frame[column], hierarchy)
        result[column] = _labels(hierarchy, level, rows).set_axis(frame.index)
    return result


def _tuple_classes(table: EncodedTable, levels: tuple[int, ...]) -> np.ndarray:
    """Class id of every distinct tuple at `levels`, numbered in key order as the search numbers them."""
    keys, space = table.node_keys(levels)
    return group_keys(keys, space).class_of


def recode(
    frame: pd.DataFrame, table: EncodedTable, levels: tuple[int, ...], failing: np.ndarray, suppression: str
) -> tuple[pd.DataFrame, np.ndarray]:
    """The generalized frame and the mask of suppressed input rows.

    `failing` flags the classes at `levels` to suppress; `suppression` is "mask" or "remove".

    >>> recode(frame, table, (1, 0), failing, "mask")[1].sum()  # doctest: +SKIP
    3
    """
    suppressed = failing[_tuple_classes(table, levels)][table.row_tuple]
    result = frame.copy()
    for j, (column, hierarchy) in enumerate(zip(table.columns, table.hierarchies)):
        rows = table.tuple_codes[j][table.row_tuple]
        labels = _labels(hierarchy, levels[j], rows)
        if suppression == "mask":
            labels = labels.mask(suppressed, TOP)
        result[column] = labels.set_axis(frame.index)
    if suppression == "remove":
        result = result.loc[~suppressed]
    return result, suppressed


def recode_partitions(frame: pd.DataFrame, table: EncodedTable, labels: list[np.ndarray], tuple_partition: np.ndarray) -> pd.DataFrame:
    """Write Mondrian's per-partition labels into the quasi-identifier columns.

    >>> recode_partitions(frame, table, labels, partitioning.tuple_partition)  # doctest: +SKIP
    """
    result = frame.copy()
    row_partition = tuple_partition[table.row_tuple]
    for column, column_labels in zip(table.columns, labels):
        labels_array = pa.array(column_labels.astype(str))
        labels_array = pc.if_else(pc.equal(labels_array, MISSING), pa.scalar(None, pa.string()), labels_array)
        result[column] = labels_array.take(pa.array(row_partition)).to_pandas().set_axis(frame.index)
    return result
