"""Hex text for many byte strings at once.

Tokens and ciphertexts are made per value by C code (hashlib, cryptography); their text form is
made in bulk, never with one `hexdigest()` call per value: byte strings of equal width (digests,
nonces) go through numpy table lookups, ciphertexts of varying width are joined into one buffer and
hexlified in one call.
Hex concatenates (the hex of a joined buffer is the join of the hexes), which base64 does not,
so one C call encodes a whole column; the price is text twice the size of the bytes.
"""

from __future__ import annotations

import binascii
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from anonymization_pipeline.core.operators.arrow_text import NO_SEPARATOR, byte_layout, constant_text

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_EVEN_HEX = r"^(?:[0-9a-f]{2})*$"


def hex_prefixed(digests: np.ndarray, prefix: str) -> pa.LargeStringArray:
    """`prefix` + lower-case hex of each row of a (n, width) uint8 array.

    >>> hex_prefixed(np.array([[0, 255], [16, 1]], dtype=np.uint8), "t_").to_pylist()
    ['t_00ff', 't_1001']
    """
    rows, width = digests.shape
    head = np.frombuffer(prefix.encode("utf-8"), dtype=np.uint8)
    text = np.empty((rows, head.size + 2 * width), dtype=np.uint8)
    text[:, : head.size] = head
    text[:, head.size :: 2] = _HEX[digests >> 4]
    text[:, head.size + 1 :: 2] = _HEX[digests & 15]
    offsets = np.arange(rows + 1, dtype=np.int64) * text.shape[1]
    return pa.LargeStringArray.from_buffers(rows, pa.py_buffer(offsets), pa.py_buffer(text))


def hex_texts(values: Sequence[bytes], prefix: str = "") -> pa.LargeStringArray:
    """`prefix` + hex of each byte string, hexlified as one buffer.

    >>> hex_texts([bytes([0, 255]), b"", b"ab"], "x:").to_pylist()
    ['x:00ff', 'x:', 'x:6162']
    """
    body = binascii.hexlify(b"".join(values))
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, values), dtype=np.int64, count=len(values)) * 2, out=offsets[1:])
    texts = pa.LargeStringArray.from_buffers(len(values), pa.py_buffer(offsets), pa.py_buffer(body))
    return pc.binary_join_element_wise(constant_text(prefix, len(values)), texts, NO_SEPARATOR) if prefix else texts


def hex_values(texts: pa.Array) -> tuple[list[bytes], np.ndarray]:
    """(bytes of each hex text, mask of texts that are not lower-case hex) for an array without nulls.

    Invalid texts decode to empty byte strings; the caller decides how to report them.

    >>> values, invalid = hex_values(pa.array(["00ff", "", "zz", "abc"]))
    >>> values, invalid.tolist()
    ([b'\\x00\\xff', b'', b'', b''], [False, False, True, True])
    """
    valid = pc.match_substring_regex(texts, _EVEN_HEX)
    data, offsets = byte_layout(pc.if_else(valid, texts, constant_text("", len(texts))))
    raw = binascii.unhexlify(data.tobytes())
    halves = (offsets // 2).tolist()
    values = list(map(raw.__getitem__, map(slice, halves[:-1], halves[1:])))
    return values, ~valid.to_numpy(zero_copy_only=False)
