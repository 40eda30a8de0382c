"""Where keys come from: `ANONYMIZER_KEY_<NAME>` environment variables and the key file.

Environment: `ANONYMIZER_KEY_<NAME>` is the primary version of key `<name>`; older versions stay
readable as `ANONYMIZER_KEY_<NAME>_V<n>`. The primary's version number is one more than the highest
older one (1 when there is none); with only `_V<n>` variables the highest is the primary.
Key file: the JSON file named by `ANONYMIZER_KEY_FILE` (see keyfile.py), which must be readable
by its owner only. A name defined in both places is an error rather than a silent override.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from anonymization_pipeline.core.errors import KeyMaterialError
from anonymization_pipeline.core.keys.material import (
    Key,
    check_key_name,
    decode_key_material,
    format_key_id,
    parse_key_id,
)

KEY_FILE_VARIABLE = "ANONYMIZER_KEY_FILE"
KEY_VARIABLE_PREFIX = "ANONYMIZER_KEY_"
DEFAULT_KEY_NAME = "default"
_VERSIONED_VARIABLE = re.compile(r"^(?P<name>.+)_V(?P<version>[0-9]+)$")


@dataclass(frozen=True)
class KeyVersions:
    """All versions of one named key and which of them is primary (used for new protection)."""

    name: str
    primary: int
    versions: Mapping[int, bytes] = field(repr=False)

    def __post_init__(self) -> None:
        if self.primary not in self.versions:
            raise KeyMaterialError(f"key '{self.name}': primary version v{self.primary} is not among its versions")

    def key(self, version: int) -> Key:
        return Key(self.name, version, self.versions[version])

    def __repr__(self) -> str:
        ids = ", ".join(format_key_id(self.name, v) for v in sorted(self.versions))
        return f"KeyVersions({self.name!r}, primary=v{self.primary}, versions=[{ids}])"


class KeyProvider:
    """Named, versioned keys. Ask for `primary(name)` to protect and `get(name, version)` to reverse.

    >>> keys = KeyProvider.from_keys({"pseudonyms": bytes(32)})
    >>> keys.primary("pseudonyms").key_id
    'pseudonyms:v1'
    >>> keys
    KeyProvider(['pseudonyms:v1'])
    """

    def __init__(self, keys: Iterable[KeyVersions], looked_in: str = "the keys given to KeyProvider"):
        self._keys = {versions.name: versions for versions in keys}
        self._looked_in = looked_in

    @classmethod
    def from_keys(cls, keys: Mapping[str, bytes | Mapping[int, bytes]]) -> KeyProvider:
        """Keys from memory (tests, notebooks): `{name: material}` or `{name: {version: material}}`.

        >>> KeyProvider.from_keys({"vault": {1: bytes(32), 2: bytes(32)}}).primary("vault").version
        2
        """
        ring = []
        for name, value in keys.items():
            versions = {1: value} if isinstance(value, bytes) else dict(value)
            ring.append(KeyVersions(check_key_name(name), max(versions), versions))
        return cls(ring)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> KeyProvider:
        """Keys from `ANONYMIZER_KEY_<NAME>[_V<n>]` variables and the file named by `ANONYMIZER_KEY_FILE`.

        >>> KeyProvider.from_environment({}).names()
        []
        """
        from anonymization_pipeline.core.keys.keyfile import read_key_file

        environ = os.environ if environ is None else environ
        from_variables = _keys_from_variables(environ)
        file_name = environ.get(KEY_FILE_VARIABLE)
        from_file = read_key_file(Path(file_name)) if file_name else {}
        defined_twice = sorted(set(from_variables) & set(from_file))
        if defined_twice:
            name = defined_twice[0]
            raise KeyMaterialError(
                f"key '{name}' is defined both by {KEY_VARIABLE_PREFIX}{name.upper()} and in the key file "
                f"{file_name}; keep one of them"
            )
        looked_in = f"environment variables {KEY_VARIABLE_PREFIX}<NAME>" + (
            f" and the key file {file_name}" if file_name else f" ({KEY_FILE_VARIABLE} is not set)"
        )
        return cls([*from_variables.values(), *from_file.values()], looked_in)

    def names(self) -> list[str]:
        return sorted(self._keys)

    def versions(self, name: str) -> list[int]:
        return sorted(self._versions_of(name).versions)

    def primary(self, name: str = DEFAULT_KEY_NAME) -> Key:
        """The version new pseudonyms, ciphertexts and vault entries are made with."""
        versions = self._versions_of(name)
        return versions.key(versions.primary)

    def get(self, name: str, version: int) -> Key:
        """A specific version, to reverse what was protected with it."""
        versions = self._versions_of(name)
        if version not in versions.versions:
            available = ", ".join(f"v{v}" for v in sorted(versions.versions))
            raise KeyMaterialError(
                f"key {format_key_id(name, version)} is not available (versions found: {available}); "
                "it may have been retired"
            )
        return versions.key(version)

    def by_id(self, key_id: str) -> Key:
        """The key a ciphertext or vault entry names, e.g. `pseudonyms:v2`."""
        return self.get(*parse_key_id(key_id))

    def _versions_of(self, name: str) -> KeyVersions:
        try:
            return self._keys[name]
        except KeyError:
            raise KeyMaterialError(
                f"key '{name}' not found in {self._looked_in}: set {KEY_VARIABLE_PREFIX}{name.upper()} "
                f"or create it with `anonymize keys generate {name} --key-file PATH`"
            ) from None

    def __repr__(self) -> str:
        ids = [format_key_id(name, v) for name in self.names() for v in self.versions(name)]
        return f"KeyProvider({ids!r})"


def _keys_from_variables(environ: Mapping[str, str]) -> dict[str, KeyVersions]:
    found: dict[str, dict[int | None, bytes]] = {}
    for variable, value in environ.items():
        if not variable.startswith(KEY_VARIABLE_PREFIX) or variable == KEY_FILE_VARIABLE:
            continue
        suffix = variable[len(KEY_VARIABLE_PREFIX) :]
        versioned = _VERSIONED_VARIABLE.match(suffix)
        name, version = (versioned["name"], int(versioned["version"])) if versioned else (suffix, None)
        if version == 0:
            raise KeyMaterialError(f"{variable}: key versions start at 1")
        name = check_key_name(name.lower())
        found.setdefault(name, {})[version] = decode_key_material(value, variable)
    return {name: _number_versions(name, versions) for name, versions in found.items()}


def _number_versions(name: str, found: dict[int | None, bytes]) -> KeyVersions:
    older = {version: material for version, material in found.items() if version is not None}
    if None not in found:
        return KeyVersions(name, max(older), older)
    primary = max(older, default=0) + 1
    return KeyVersions(name, primary, {**older, primary: found[None]})
