"""Key material: 32 random bytes, written as urlsafe base64, and the named, versioned `Key` around them.

A `Key` never shows its bytes: its repr and its id (`pseudonyms:v2`) are safe to log and report.
Each use derives its own subkey (HKDF-SHA256 with the use as `info`), so one named key can serve
pseudonyms, encryption and date shifting without one use weakening another.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from anonymization_pipeline.core.errors import KeyMaterialError

KEY_BYTES = 32
KEY_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION_SUFFIX = re.compile(r"_v\d+$")
_RESERVED_NAMES = {"file"}
_DERIVATION_PREFIX = b"anonymization_pipeline:"
_ENCODED_LENGTH = 44
_ENCODED_KEY = re.compile(r"^[A-Za-z0-9_-]{43}=?$")
_MIN_DISTINCT_BYTES = 16


def new_key_material() -> bytes:
    """32 bytes from the operating system's CSPRNG.

    >>> len(new_key_material())
    32
    """
    return os.urandom(KEY_BYTES)


def encode_key_material(material: bytes) -> str:
    """The text form of a key, as stored in key files and `ANONYMIZER_KEY_<NAME>` variables.

    >>> encode_key_material(bytes(32))
    'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='
    """
    return base64.urlsafe_b64encode(material).decode("ascii")


def decode_key_material(text: str, where: str) -> bytes:
    """Bytes of a key written as urlsafe base64; `where` names its source for the error message.

    >>> len(decode_key_material('W-LJTgofbTOHtOHwDCmm1ZN-G0jA8tapTnNRuMLZD6Y=', 'a test'))
    32
    """
    stripped = text.strip() if isinstance(text, str) else ""
    material = b""
    if _ENCODED_KEY.match(stripped):
        try:
            material = base64.urlsafe_b64decode(stripped.ljust(_ENCODED_LENGTH, "="))
        except (binascii.Error, ValueError):
            material = b""
    if len(material) != KEY_BYTES:
        raise KeyMaterialError(
            f"{where} is not a key: expected urlsafe base64 of {KEY_BYTES} random bytes and nothing else "
            "(create one with `anonymize keys generate NAME`)"
        )
    if looks_chosen(material):
        raise KeyMaterialError(
            f"{where} is not random: all zero, a repeated or counting pattern, or too few distinct bytes "
            "(create one with `anonymize keys generate NAME`)"
        )
    return material


def looks_chosen(material: bytes) -> bool:
    """True for bytes no random generator plausibly gave: fewer than 16 distinct values among 32
    (a random key has about 30; fewer than 16 happens with odds below 1 in 10^12), or a counting
    sequence such as 0, 1, 2, …

    >>> looks_chosen(bytes(32)), looks_chosen(bytes(range(32))), looks_chosen(bytes.fromhex("8f" * 16 + "3a" * 16))
    (True, True, True)
    >>> looks_chosen(bytes.fromhex("5be2c94e0a1f6d3387b4e1f00c29a6d5937e1b48c0f2d6a94e7351b8c2d90fa6"))
    False
    """
    steps = {(later - earlier) % 256 for earlier, later in zip(material, material[1:])}
    return len(set(material)) < _MIN_DISTINCT_BYTES or len(steps) == 1


def check_key_name(name: str) -> str:
    """Key names are lower-case identifiers, so that `ANONYMIZER_KEY_<NAME>` maps back to one name.

    >>> check_key_name("pseudonyms")
    'pseudonyms'
    """
    if not isinstance(name, str) or not KEY_NAME_PATTERN.match(name) or _VERSION_SUFFIX.search(name):
        raise KeyMaterialError(
            f"{name!r} is not a key name: use lower-case letters, digits and '_', "
            "starting with a letter and not ending in '_v<number>'"
        )
    if name in _RESERVED_NAMES:
        raise KeyMaterialError(
            f"'{name}' is reserved (ANONYMIZER_KEY_FILE names the key file); choose another key name"
        )
    return name


@dataclass(frozen=True)
class Key:
    """One version of a named key. Only `key_id` is meant to leave the process.

    >>> Key("pseudonyms", 2, bytes(32))
    Key('pseudonyms:v2')
    """

    name: str
    version: int
    material: bytes = field(repr=False)

    @property
    def key_id(self) -> str:
        return format_key_id(self.name, self.version)

    def derive(self, purpose: str, length: int = KEY_BYTES) -> bytes:
        """A subkey for one purpose: HKDF-SHA256(key, info='anonymization_pipeline:<purpose>').

        >>> len(Key("default", 1, bytes(32)).derive("pseudonymize:hmac-sha256"))
        32
        """
        hkdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=_DERIVATION_PREFIX + purpose.encode())
        return hkdf.derive(self.material)

    def __repr__(self) -> str:
        return f"Key({self.key_id!r})"


def format_key_id(name: str, version: int) -> str:
    """`pseudonyms:v2`: the form in which a key appears in ciphertexts, stats and reports.

    >>> format_key_id("pseudonyms", 2)
    'pseudonyms:v2'
    """
    return f"{name}:v{version}"


def parse_key_id(key_id: str) -> tuple[str, int]:
    """The inverse of `format_key_id`.

    >>> parse_key_id("pseudonyms:v2")
    ('pseudonyms', 2)
    """
    name, separator, version = key_id.partition(":v")
    if not separator or not version.isdigit() or not KEY_NAME_PATTERN.match(name):
        raise KeyMaterialError(f"{key_id!r} is not a key id; key ids look like 'pseudonyms:v2'")
    return name, int(version)
