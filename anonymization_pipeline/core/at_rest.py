"""Encryption at rest for intermediate stage files, which hold raw or partly protected personal data.

A sealed file is `APSEAL1\\n<key id>\\n<12-byte nonce><AES-256-GCM ciphertext>`. The header and
the name of what the file holds (`bound_to`, e.g. the asset key) are authenticated too, so a file
can neither be relabelled to another key nor be copied into the place of another stage. The AES key is derived from the
`storage` key for this one purpose, and rotating that key leaves older files readable while the old
version is kept.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from anonymization_pipeline.core.errors import KeyMaterialError
from anonymization_pipeline.core.keys import Key, KeyProvider, parse_key_id

STORAGE_KEY = "storage"
MAGIC = b"APSEAL1\n"
PURPOSE = "at-rest:aes-256-gcm"
NONCE_BYTES = 12


def seal(plaintext: bytes, key: Key, bound_to: str) -> bytes:
    """Encrypt and authenticate `plaintext` under `key`, for the place named `bound_to` only.

    >>> keys = KeyProvider.from_keys({"storage": bytes(32)})
    >>> unseal(seal(b"rows", Key("storage", 1, bytes(32)), "raw_records"), keys, "raw_records")
    b'rows'
    """
    header = MAGIC + key.key_id.encode("ascii") + b"\n"
    nonce = os.urandom(NONCE_BYTES)
    return header + nonce + AESGCM(key.derive(PURPOSE)).encrypt(nonce, plaintext, header + bound_to.encode())


def unseal(sealed: bytes, keys: KeyProvider, bound_to: str, name: str = "a stage file") -> bytes:
    """Decrypt a sealed file; a wrong key, a changed byte (header included) or a file sealed for
    another place is an error naming the key id only."""
    end = sealed.find(b"\n", len(MAGIC)) + 1
    if not sealed.startswith(MAGIC) or end == 0:
        raise KeyMaterialError(f"{name} is not an encrypted stage file")
    header, nonce, ciphertext = sealed[:end], sealed[end : end + NONCE_BYTES], sealed[end + NONCE_BYTES :]
    key_id = _key_id(header, name)
    try:
        return AESGCM(keys.by_id(key_id).derive(PURPOSE)).decrypt(nonce, ciphertext, header + bound_to.encode())
    except (InvalidTag, ValueError):
        raise KeyMaterialError(
            f"{name} cannot be decrypted with key {key_id}: wrong key, altered file, or a file of another run, stage or day"
        ) from None


def _key_id(header: bytes, name: str) -> str:
    """The key id of a header; an altered one is reported as tampering, not as a missing key."""
    text = header[len(MAGIC) : -1]
    try:
        key_id = text.decode("ascii")
        parse_key_id(key_id)
    except (UnicodeDecodeError, KeyMaterialError):
        raise KeyMaterialError(f"{name} has an altered header: the file was changed after it was sealed") from None
    return key_id
