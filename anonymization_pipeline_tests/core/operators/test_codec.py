"""Bulk hex encoding and the decision to hash distinct values once."""

from __future__ import annotations

import binascii
import os

import numpy as np
import pyarrow as pa

from anonymization_pipeline.core.operators.codec import hex_prefixed, hex_texts, hex_values
from anonymization_pipeline.core.operators.keyed_hash import distinct_values


def test_hex_texts_equal_per_value_hexlify_and_decode_back():
    blobs = [os.urandom(n) for n in np.random.default_rng(0).integers(0, 40, 500)]
    texts = hex_texts(blobs, "k:v1:")
    assert texts.to_pylist() == ["k:v1:" + binascii.hexlify(b).decode() for b in blobs]
    decoded, invalid = hex_values(pa.array([text[5:] for text in texts.to_pylist()]))
    assert decoded == blobs and not invalid.any()


def test_hex_values_flags_anything_but_even_lower_case_hex():
    _, invalid = hex_values(pa.array(["00", "0", "GG", "AB", "ab", ""]))
    assert invalid.tolist() == [False, True, True, True, False, False]


def test_hex_prefixed_writes_fixed_width_digests():
    assert hex_prefixed(np.array([[1, 171]], dtype=np.uint8), "").to_pylist() == ["01ab"]


def test_distinct_values_encodes_repeated_columns_and_keeps_mostly_distinct_ones():
    repeated = pa.array(np.random.default_rng(1).integers(0, 50_000, 200_000).astype(str))
    unique, codes = distinct_values(repeated)
    assert codes is not None and len(unique) == len(set(repeated.to_pylist()))
    assert unique.take(codes).equals(repeated)
    distinct = pa.array(np.arange(200_000).astype(str))
    assert distinct_values(distinct) == (distinct, None)
