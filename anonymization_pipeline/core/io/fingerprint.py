"""A description of a table's shape for the audit trail: counts and names, never values.

The content digests read each column's Arrow buffers in a canonical form (validity as one byte per
row, nulls filled, string offsets rebased to zero), so hashing a million-row table costs a pass
over its bytes in C, not a Python object per cell.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


class Digest(Protocol):
    def update(self, data: bytes | memoryview, /) -> None: ...


def table_fingerprint(frame: pd.DataFrame, content_key: bytes | None = None) -> dict:
    """Rows, column names, a SHA-256 over the (name, dtype) pairs to spot schema drift, and with
    `content_key` an HMAC over every cell, to prove which input a run read.

    The content digest is keyed: an unkeyed hash of a small table could be confirmed by guessing
    its rows.

    >>> table_fingerprint(pd.DataFrame({"zip": ["01234"]}))["columns"]
    ['zip']
    """
    columns = [str(name) for name in frame.columns]
    schema = [[name, str(dtype)] for name, dtype in zip(columns, frame.dtypes)]
    digest = hashlib.sha256(json.dumps(schema).encode("utf-8")).hexdigest()
    fingerprint = {"rows": len(frame), "columns": columns, "schema_sha256": digest}
    if content_key is not None:
        content = hmac.new(content_key, digestmod=hashlib.sha256)
        update_with_content(content, frame)
        fingerprint["content_hmac_sha256"] = content.hexdigest()
    return fingerprint


def update_with_content(digest: Digest, frame: pd.DataFrame) -> None:
    """Feed every cell of `frame` (not its index) into `digest`, column by column, canonically.

    >>> a, b = hashlib.sha256(), hashlib.sha256()
    >>> update_with_content(a, pd.DataFrame({"x": ["1", None]}))
    >>> update_with_content(b, pd.DataFrame({"x": ["1", ""]}))
    >>> a.hexdigest() != b.hexdigest()
    True
    """
    digest.update(len(frame).to_bytes(8, "little"))
    for name in frame.columns:
        column = frame[name]
        try:
            array = pa.array(column, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            digest.update(b"pandas-hash")  # mixed Python objects: pandas' own per-value hash
            digest.update(pd.util.hash_pandas_object(column, index=False).to_numpy().tobytes())
            continue
        for part in _canonical_parts(array):
            digest.update(part)


def _canonical_parts(array: pa.Array | pa.ChunkedArray) -> list[bytes | memoryview]:
    """The column's normalised type, validity (a byte per row) and values with nulls zeroed;
    strings of every width as 64-bit offsets from zero and their bytes."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_dictionary(array.type):
        array = array.cast(array.type.value_type)
    valid = array.is_valid().to_numpy(zero_copy_only=False).tobytes()
    kind = array.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        filled = pc.fill_null(array.cast(pa.large_binary()), b"")
        offsets = np.frombuffer(filled.buffers()[1], dtype=np.int64)[filled.offset : filled.offset + len(filled) + 1]
        start, stop = int(offsets[0]), int(offsets[-1])
        body = memoryview(filled.buffers()[2])[start:stop] if stop > start else b""
        return [b"text", valid, (offsets - start).tobytes(), body]
    if pa.types.is_boolean(kind):
        array = array.cast(pa.int8())
    elif pa.types.is_temporal(kind):
        array = array.view(pa.int64() if kind.bit_width == 64 else pa.int32())
    if pa.types.is_integer(array.type) or pa.types.is_floating(array.type):
        values = pc.fill_null(array, pa.scalar(0, array.type)).to_numpy()
        return [str(kind).encode("utf-8"), valid, np.ascontiguousarray(values).view(np.uint8).tobytes()]
    return [str(kind).encode("utf-8"), valid, pd.util.hash_pandas_object(array.to_pandas(), index=False).to_numpy().tobytes()]
