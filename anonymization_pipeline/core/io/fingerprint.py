"""A description of a table's shape for the audit trail: counts and names, never values."""

from __future__ import annotations

import hashlib
import json

import pandas as pd


def table_fingerprint(frame: pd.DataFrame) -> dict:
    """Rows, column names, and a SHA-256 over the (name, dtype) pairs, to spot schema drift.

    >>> table_fingerprint(pd.DataFrame({"zip": ["01234"]}))["columns"]
    ['zip']
    """
    columns = [str(name) for name in frame.columns]
    schema = [[name, str(dtype)] for name, dtype in zip(columns, frame.dtypes)]
    digest = hashlib.sha256(json.dumps(schema).encode("utf-8")).hexdigest()
    return {"rows": len(frame), "columns": columns, "schema_sha256": digest}
