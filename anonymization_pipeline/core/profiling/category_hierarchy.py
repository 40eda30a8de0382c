"""A table hierarchy for a categorical quasi-identifier, grouped by how often each value occurs.

A category with no order (sex, occupation, marital status, a town) has no interval or prefix to
generalize along; without a table its only step is value → `*`, which suppresses the whole column.
Grouping the rare values first keeps the frequent ones, which are what k-anonymity can keep:
value → value, or `other values` when rare → `*`. The rows are ARX's format, one per value.

A table must cover every value the run meets, so one is only built from a window that held the
whole input (every value seen), and only for text a `;`-separated line can hold unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from anonymization_pipeline.core.operators.columns import text_array

RARE_SHARE = 0.05
"""A value holding less than this share of the rows is grouped with the other rare ones."""
MAX_CATEGORIES = 200
"""More distinct values than this is not a category a reviewer can read as a table."""
OTHER = "other values"
SUPPRESSED = "*"
UNWRITABLE = r"[;\r\n]|^\s|\s$"


def frequency_rows(column: pd.Series) -> list[list[str]] | None:
    """One `[value, group, *]` row per distinct value, or None when no table fits the column.

    >>> frequency_rows(pd.Series(["F"] * 50 + ["M"] * 45 + ["X"] * 3 + ["U"] * 2 + [None]))
    [['F', 'F', '*'], ['M', 'M', '*'], ['X', 'other values', '*'], ['U', 'other values', '*']]
    """
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        return None
    counts = pc.value_counts(text_array(column).drop_null())
    values = counts.field("values")
    if not 3 <= len(values) <= MAX_CATEGORIES or pc.any(pc.match_substring_regex(values, UNWRITABLE)).as_py():
        return None
    frequency = counts.field("counts").to_numpy(zero_copy_only=False)
    order = np.argsort(-frequency, kind="stable")
    rare = frequency / frequency.sum() < RARE_SHARE
    if rare.sum() < 2:
        rare[order[-2:]] = True
    names = values.to_pylist()
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

