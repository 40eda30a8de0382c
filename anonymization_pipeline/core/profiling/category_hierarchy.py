"""A table hierarchy for a categorical quasi-identifier, grouped by how often each value occurs.

A category with no order (sex, occupation, marital status, a town) has no interval or prefix to
generalize along; without a table its only step is value → `*`, which suppresses the whole column.
Grouping the rare values first keeps the frequent ones, which are what k-anonymity can keep:
value → value, or `other values` when rare → `*`. The rows are ARX's format, one per value.

A table must cover every value the run meets, so its values are counted over the whole input
(only when a table is asked for: the profile itself reads only the input's head), and only text a
`;`-separated line can hold unchanged gets one. A later input with a new value stops the run with
a message naming the column: the table is then reviewed, never silently bypassed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from anonymization_pipeline.core.operators.columns import text_array

RARE_SHARE = 0.05
"""A value holding less than this share of the rows is grouped with the other rare ones."""
MAX_CATEGORIES = 200
"""More distinct values than this is not a category a reviewer can read as a table."""
OTHER = "other values"
SUPPRESSED = "*"
UNWRITABLE = r"[;\r\n]|^\s|\s$"


def category_counts(batches: Iterable[pd.DataFrame], columns: list) -> dict:
    """How often each value of `columns` occurs over all `batches`, as a Series per column; a column
    stops being counted (None) once it has more than MAX_CATEGORIES values or is typed as numbers."""
    counts: dict = {column: pd.Series(dtype="int64") for column in columns}
    for batch in batches:
        for column, so_far in counts.items():
            if so_far is None:
                continue
            cells = batch[column]
            if pd.api.types.is_numeric_dtype(cells.dtype) and not pd.api.types.is_bool_dtype(cells.dtype):
                counts[column] = None
                continue
            found = pc.value_counts(text_array(cells).drop_null())
            batch_counts = pd.Series(found.field("counts").to_numpy(zero_copy_only=False), index=found.field("values").to_pylist())
            merged = so_far.add(batch_counts, fill_value=0)
            counts[column] = merged if len(merged) <= MAX_CATEGORIES else None
    return counts


def frequency_rows(counts: pd.Series | None) -> list[list[str]] | None:
    """One `[value, group, *]` row per value counted, or None when no table fits the column.

    >>> frequency_rows(pd.Series({"F": 50, "M": 45, "X": 3, "U": 2}))
    [['F', 'F', '*'], ['M', 'M', '*'], ['X', 'other values', '*'], ['U', 'other values', '*']]
    """
    if counts is None or not 3 <= len(counts) <= MAX_CATEGORIES:
        return None
    names = [str(value) for value in counts.index]
    if pc.any(pc.match_substring_regex(pa.array(names), UNWRITABLE)).as_py():
        return None
    frequency = counts.to_numpy(dtype=float)
    order = np.argsort(-frequency, kind="stable")
    rare = frequency / frequency.sum() < RARE_SHARE
    if rare.sum() < 2:
        rare[order[-2:]] = True
    return [[names[i], OTHER if rare[i] else names[i], SUPPRESSED] for i in order]


def write_tables(categories: dict[str, list[list[str]]], policy_path: Path) -> dict[str, str]:
    """Each column's table as a file in a folder beside the policy, named after the policy; the
    paths returned are relative to the policy's folder, as the policy writes them."""
    folder = f"{policy_path.stem}_hierarchies"
    written = {}
    for number, (column, rows) in enumerate(categories.items()):
        relative = f"{folder}/{number:03d}_{re.sub(r'[^A-Za-z0-9_-]+', '_', column)[:60]}.csv"
        target = policy_path.parent / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("".join(";".join(row) + "\n" for row in rows), encoding="utf-8")
        written[column] = relative
    return written

