"""AES-256-GCM and AES-SIV over whole columns, each ciphertext naming its key: `gcm:pii:v2:<hex>`.

- `gcm` (randomised): a fresh 96-bit random nonce per value, so equal values encrypt differently.
  Payload: nonce ‖ ciphertext ‖ tag. `cryptography` encrypts one value per call (about 0.5 µs);
  the calls are mapped in C, nonces come from one `os.urandom` call, and the hex text is made in
  bulk for the column (codec.py).
- `siv` (deterministic, RFC 5297): equal values give equal ciphertexts, so equality joins and
  group-bys still work; each distinct value is encrypted once. Payload: SIV ‖ ciphertext.
Keys are subkeys derived for the purpose from the named key, so one key never serves two ciphers.
The key id in the prefix selects the version to decrypt with; a prefix altered to another key or
version fails authentication like any other tampering.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from itertools import repeat
from operator import itemgetter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, AESSIV

from anonymization_pipeline.core.keys import Key, KeyProvider
from anonymization_pipeline.core.operators.arrow_text import NO_SEPARATOR
from anonymization_pipeline.core.operators.codec import hex_prefixed, hex_texts, hex_values
from anonymization_pipeline.core.operators.keyed_hash import distinct_values
from anonymization_pipeline.core.operators.mapping import map_marking_failures

GCM = "gcm"
SIV = "siv"
NONCE_BYTES = 12
_FAILURES = (InvalidTag, ValueError)
_NONCE = itemgetter(slice(0, NONCE_BYTES))
_SEALED = itemgetter(slice(NONCE_BYTES, None))
_HEADER = r"^(?P<header>(?:gcm|siv):[a-z][a-z0-9_]*:v[0-9]+):(?P<payload>.*)$"


def gcm_cipher(key: Key) -> AESGCM:
    """The AES-256-GCM cipher of a key: its subkey for `encrypt:aes-256-gcm`."""
    return AESGCM(key.derive("encrypt:aes-256-gcm"))


def siv_cipher(key: Key) -> AESSIV:
    """The AES-SIV cipher of a key (512-bit SIV key = two AES-256 keys): subkey `encrypt:aes-256-siv`."""
    return AESSIV(key.derive("encrypt:aes-256-siv", 64))


def encrypt_values(values: pa.Array, key: Key, mode: str) -> pa.Array:
    """Ciphertext text for each value of a string array without nulls.

    >>> key = Key("pii", 1, bytes(32))
    >>> texts = encrypt_values(pa.array(["alice", "alice"]), key, SIV).to_pylist()
    >>> texts[0] == texts[1], texts[0].startswith("siv:pii:v1:")
    (True, True)
    """
    prefix = f"{mode}:{key.key_id}:"
    if mode == SIV:
        unique, codes = distinct_values(values)
        sealed = list(map(siv_cipher(key).encrypt, unique.cast(pa.large_binary()).to_pylist(), repeat(None)))
        texts = hex_texts(sealed, prefix)
        return texts if codes is None else texts.take(codes)
    plaintexts = values.cast(pa.large_binary()).to_pylist()
    randomness = np.frombuffer(os.urandom(NONCE_BYTES * len(plaintexts)), dtype=np.uint8).reshape(-1, NONCE_BYTES)
    nonces = randomness.view(f"V{NONCE_BYTES}").ravel().tolist()
    sealed = list(map(gcm_cipher(key).encrypt, nonces, plaintexts, repeat(None)))
    return pc.binary_join_element_wise(hex_prefixed(randomness, prefix), hex_texts(sealed), NO_SEPARATOR)


def decrypt_values(texts: pa.Array, keys: KeyProvider, key_name: str) -> tuple[pa.Array, np.ndarray, set[str]]:
    """(plaintext per value, mask of values that fail to decrypt, key ids used) for texts without nulls.

    A value fails when it is not a ciphertext of `key_name`, was altered, or its key version is wrong.

    >>> keys = KeyProvider.from_keys({"pii": bytes(32)})
    >>> texts = encrypt_values(pa.array(["alice"]), keys.primary("pii"), GCM)
    >>> plain, failed, used = decrypt_values(texts, keys, "pii")
    >>> plain.to_pylist(), failed.tolist(), used
    (['alice'], [False], {'pii:v1'})
    """
    parts = pc.extract_regex(texts, _HEADER)
    failed = ~pc.is_valid(parts).to_numpy(zero_copy_only=False)
    encoded = pc.struct_field(parts, "header").dictionary_encode()
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    payloads = pc.struct_field(parts, "payload")
    plain = np.full(len(texts), None, dtype=object)
    used = set()
    for code, header in enumerate(encoded.dictionary.to_pylist()):
        mode, key_id = header.split(":", 1)
        rows = np.flatnonzero((codes == code) & ~failed)
        if key_id.split(":v")[0] != key_name:
            failed[rows] = True
            continue
        used.add(key_id)
        raw, invalid = hex_values(payloads.take(pa.array(rows)))
        opened, wrong = _open_all(raw, mode, keys.by_id(key_id))
        failed[rows[invalid | wrong]] = True
        plain[rows] = opened
    return pa.array(plain, pa.large_string()), failed, used


def _open_all(payloads: Sequence[bytes], mode: str, key: Key) -> tuple[list[str | None], np.ndarray]:
    """Decrypt and decode each payload; failures (altered, wrong key, not UTF-8) are None and marked."""
    if mode == SIV:
        opened, failed = map_marking_failures(
            siv_cipher(key).decrypt, [payloads, repeat(None, len(payloads))], _FAILURES
        )
    else:
        nonces = list(map(_NONCE, payloads))
        sealed = list(map(_SEALED, payloads))
        opened, failed = map_marking_failures(
            gcm_cipher(key).decrypt, [nonces, sealed, repeat(None, len(payloads))], _FAILURES
        )
    texts, undecodable = map_marking_failures(bytes.decode, [[raw or b"" for raw in opened]], (UnicodeDecodeError,))
    return texts, failed | undecodable
