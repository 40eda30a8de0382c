"""Kept columns keep their type: a column the CSV reader read as text (it reads every column as
text, so ZIP codes keep their leading zeros) is published as integers when the policy keeps it
as is and every value is an integer written the one way an integer prints. The conversion is
lossless by construction: `007` or `1.0` stay text, because they would not print back the same.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from anonymization_pipeline.core.policy import FieldClass, Policy

KEEP = "keep"
CANONICAL_INTEGER = r"^-?(0|[1-9][0-9]{0,17})$"
"""At most 18 digits, so every value fits in a 64-bit integer."""


def restore_integer_columns(frame: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """The frame with every kept, all-integer text column as nullable 64-bit integers.

    >>> from anonymization_pipeline.core.policy import validate_policy
    >>> policy = validate_policy({"version": 1, "dataset": {"name": "d", "input": {"format": "csv", "path": "/i.csv"},
    ...     "output": {"format": "csv", "path": "/o.csv"}}, "fields": {"n": {"class": "non_sensitive", "method": "keep"},
    ...     "zip": {"class": "non_sensitive", "method": "keep"}}})
    >>> restored = restore_integer_columns(pd.DataFrame({"n": ["3", None], "zip": ["007", "12"]}), policy)
    >>> restored.dtypes.astype(str).tolist(), restored["n"].tolist()
    (['Int64', 'str'], [3, <NA>])
    """
    kept = [
        name
        for name, field in policy.fields.items()
        if field.method == KEEP and field.field_class is not FieldClass.QUASI_IDENTIFIER and name in frame.columns
    ]
    converted = frame
    for name in kept:
        column = frame[name]
        if pd.api.types.is_numeric_dtype(column) or column.isna().all():
            continue
        text = pa.array(column.astype("string"), type=pa.string())
        present = pc.drop_null(text)
        if len(present) and pc.all(pc.match_substring_regex(present, CANONICAL_INTEGER)).as_py():
            if converted is frame:
                converted = frame.copy()
            numbers = pc.cast(text, pa.int64())
            values = numbers.fill_null(0).to_numpy(zero_copy_only=False)
            missing = numbers.is_null().to_numpy(zero_copy_only=False)
            converted[name] = pd.arrays.IntegerArray(values, missing)
    return converted
