"""Fernet, for compatibility with data and tools that already use it (`scheme: fernet`).

Tokens are plain Fernet tokens, readable by `Fernet(key).decrypt` elsewhere; the raw 32-byte key
is the Fernet key (Fernet splits it into signing and encryption halves), so give Fernet a key of its
own. Fernet tokens carry no key id: decryption tries every version, primary first (MultiFernet),
and rotation re-encrypts under the primary. Each value is one Python-level call into Fernet
(about 6 µs): use the default AES schemes for large columns.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from anonymization_pipeline.core.keys import KeyProvider, encode_key_material
from anonymization_pipeline.core.operators.mapping import map_marking_failures


def multi_fernet(keys: KeyProvider, key_name: str) -> MultiFernet:
    """All versions of `key_name`, the primary first: encrypts with the primary, decrypts with any."""
    primary = keys.primary(key_name)
    versions = [primary] + [
        keys.get(key_name, v) for v in sorted(keys.versions(key_name), reverse=True) if v != primary.version
    ]
    return MultiFernet([Fernet(encode_key_material(key.material)) for key in versions])


def fernet_encrypt(values: pa.Array, fernet: MultiFernet) -> pa.Array:
    """Fernet tokens for a string array without nulls.

    >>> keys = KeyProvider.from_keys({"legacy": bytes(32)})
    >>> fernet_encrypt(pa.array(["alice"]), multi_fernet(keys, "legacy"))[0].as_py().startswith("gAAAAA")
    True
    """
    tokens = list(map(fernet.encrypt, values.cast(pa.large_binary()).to_pylist()))
    return pa.array(tokens, pa.large_binary()).cast(pa.large_string())


def fernet_decrypt(tokens: pa.Array, fernet: MultiFernet) -> tuple[pa.Array, np.ndarray]:
    """(plaintexts, mask of tokens that are invalid or altered) for a string array without nulls."""
    opened, failed = map_marking_failures(fernet.decrypt, [tokens.cast(pa.large_binary()).to_pylist()], (InvalidToken,))
    texts, undecodable = map_marking_failures(bytes.decode, [[raw or b"" for raw in opened]], (UnicodeDecodeError,))
    return pa.array(texts, pa.large_string()), failed | undecodable


def fernet_rotate(tokens: pa.Array, fernet: MultiFernet) -> tuple[pa.Array, np.ndarray]:
    """(tokens re-encrypted under the primary version, mask of tokens that could not be read)."""
    rotated, failed = map_marking_failures(fernet.rotate, [tokens.cast(pa.large_binary()).to_pylist()], (InvalidToken,))
    return pa.array(rotated, pa.large_binary()).cast(pa.large_string()), failed
