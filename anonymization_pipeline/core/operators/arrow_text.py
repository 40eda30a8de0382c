"""Small Arrow string helpers the operators share: constant columns and byte-level layouts.

pyarrow's element-wise kernels are fast on arrays but slow when a scalar is broadcast, so
constants are materialised as arrays; digit-level work (card numbers, phones) runs in numpy on
the raw UTF-8 bytes, which is safe because ASCII digits never occur inside multi-byte characters.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NO_SEPARATOR = pa.scalar("", pa.large_string())


def large_text(text: pa.Array) -> pa.LargeStringArray:
    """The same strings as `large_string`, the one string type the operators combine.

    >>> large_text(pa.array(["a"])).type
    DataType(large_string)
    """
    return text if text.type == pa.large_string() else text.cast(pa.large_string())


def constant_text(value: str, length: int) -> pa.LargeStringArray:
    """An array of `length` copies of `value`, built without a per-value loop.

    >>> constant_text("***", 2).to_pylist()
    ['***', '***']
    """
    encoded = value.encode("utf-8")
    offsets = np.arange(length + 1, dtype=np.int64) * len(encoded)
    return pa.LargeStringArray.from_buffers(length, pa.py_buffer(offsets), pa.py_buffer(encoded * length))


def byte_layout(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(UTF-8 bytes of all values end to end, offsets from 0) of a string array; nulls count as empty.

    >>> data, offsets = byte_layout(pa.array(["ab", None, "c"]))
    >>> bytes(data), offsets.tolist()
    (b'abc', [0, 2, 2, 3])
    """
    text = pc.fill_null(text, "").cast(pa.large_binary())
    text = pa.concat_arrays([text]) if text.offset else text
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[: len(text) + 1]
    data_buffer = text.buffers()[2]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    return data[offsets[0] : offsets[-1]], offsets - offsets[0]


def text_from_layout(data: np.ndarray, offsets: np.ndarray, like: pa.Array) -> pa.LargeStringArray:
    """Rebuild a string array from bytes and offsets, null where `like` is null.

    >>> data, offsets = byte_layout(pa.array(["ab", None]))
    >>> text_from_layout(data, offsets, pa.array(["ab", None])).to_pylist()
    ['ab', None]
    """
    rebuilt = pa.LargeStringArray.from_buffers(len(like), pa.py_buffer(offsets.astype(np.int64)), pa.py_buffer(data))
    return (
        rebuilt if like.null_count == 0 else pc.if_else(pc.is_valid(like), rebuilt, pa.scalar(None, pa.large_string()))
    )
