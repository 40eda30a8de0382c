"""Keyed digests of direct identifiers, so a leak check never has to keep the identifiers themselves.

The pipeline digests the raw direct identifiers of the input with a secret key (HMAC-SHA256 over
the value normalised with NFKC, trimmed and case-folded); the validation digests each published
value the same way and counts the ones that are in the set. Without the key a digest cannot be
reversed by trying likely values, and neither the key nor a raw value is ever written to a suite,
a result or a data-docs page: the expectation names only a `digest_set` handle, which resolves to
the digests and key held in memory for the duration of one validation.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from anonymization_pipeline.core.errors import ConfigurationError, KeyMaterialError
from anonymization_pipeline.core.operators.keyed_hash import HMAC_SHA256, keyed_digests

MIN_KEY_BYTES = 16
DIGEST_BYTES = 32


@dataclass(frozen=True)
class DigestSet:
    """Digests of raw identifiers and the key that made them (never shown in a repr)."""

    digests: frozenset[str]
    key: bytes = field(repr=False)


_REGISTERED: dict[str, DigestSet] = {}


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes) or len(key) < MIN_KEY_BYTES:
        raise KeyMaterialError(f"the digest key must be at least {MIN_KEY_BYTES} random bytes")


def normalised(values: pd.Series) -> pd.Series:
    """The form that is digested: text, NFKC, trimmed, case-folded; missing values stay missing.

    >>> normalised(pd.Series([" Ann@X.org", None])).tolist()
    ['ann@x.org', <NA>]
    """
    text = values.astype("string")
    return text.str.normalize("NFKC").str.strip().str.casefold()


def value_digests(values: pd.Series, key: bytes) -> np.ndarray:
    """The digest of every value (None where missing); each distinct value is hashed once.

    >>> value_digests(pd.Series(["a", "A ", None]), b"k" * 16)[0] == value_digests(pd.Series(["a"]), b"k" * 16)[0]
    True
    """
    _check_key(key)
    codes, distinct = pd.factorize(normalised(values), use_na_sentinel=True)
    encoded = pa.array(distinct, type=pa.string()).cast(pa.binary()).to_pylist()
    hexed = keyed_digests(encoded, key, HMAC_SHA256, DIGEST_BYTES).tobytes().hex()
    width = 2 * DIGEST_BYTES
    digests = np.empty(len(distinct) + 1, dtype=object)
    digests[:-1] = [hexed[start : start + width] for start in range(0, len(hexed), width)]
    digests[-1] = None
    return digests[codes]


def identifier_digests(values: pd.Series, key: bytes) -> set[str]:
    """Digests of the distinct raw identifiers of a column, to keep instead of the identifiers.

    >>> len(identifier_digests(pd.Series(["a@x.org", "A@x.org ", None]), b"k" * 16))
    1
    """
    return {digest for digest in pd.unique(value_digests(values, key)) if digest is not None}


@contextmanager
def registered_digests(digests: set[str], key: bytes) -> Iterator[str]:
    """Make a digest set available to the validation under a random handle, for the `with` block only."""
    _check_key(key)
    handle = f"digests-{secrets.token_hex(8)}"
    _REGISTERED[handle] = DigestSet(frozenset(digests), key)
    try:
        yield handle
    finally:
        del _REGISTERED[handle]


def registered(handle: str) -> DigestSet:
    """The digest set behind a handle; fails closed when the validation runs outside its `with` block."""
    try:
        return _REGISTERED[handle]
    except KeyError:
        raise ConfigurationError(f"no digest set is registered under {handle!r}: run the check through validate_published") from None
