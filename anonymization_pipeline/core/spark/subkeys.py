"""Keys for executors: only the subkeys the operators derive, never a key itself.

Every keyed operator derives a subkey per use (`Key.derive(purpose)`). On the driver, the
operators run once over a small sample with a `RecordingKeys` ring, which notes every
(key version, purpose, length) they derive; executors then get a `ShippedKeys` ring holding just
those subkeys. A derivation that was not recorded fails closed, and nothing here has a repr that
shows key material.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from anonymization_pipeline.core.errors import KeyMaterialError
from anonymization_pipeline.core.keys import KeyProvider
from anonymization_pipeline.core.keys.material import KEY_BYTES, Key, format_key_id, parse_key_id

Derivation = tuple[str, int]
"""(purpose, length) of one subkey."""


@dataclass(frozen=True, repr=False)
class RecordingKey(Key):
    """A key that notes each subkey derived from it into `noted` (keyed by its id)."""

    noted: dict[str, dict[Derivation, bytes]] = field(default_factory=dict, compare=False)

    def derive(self, purpose: str, length: int = KEY_BYTES) -> bytes:
        subkey = super().derive(purpose, length)
        self.noted.setdefault(self.key_id, {})[(purpose, length)] = subkey
        return subkey


@dataclass(frozen=True, repr=False)
class ShippedKey(Key):
    """A key version on an executor: its id and the subkeys recorded for it, no material."""

    subkeys: Mapping[Derivation, bytes] = field(default_factory=dict, compare=False)

    def derive(self, purpose: str, length: int = KEY_BYTES) -> bytes:
        try:
            return self.subkeys[(purpose, length)]
        except KeyError:
            raise KeyMaterialError(f"key {self.key_id}: no subkey for '{purpose}' was shipped to the executors") from None


class RecordingKeys:
    """A key ring that hands out `RecordingKey`s of `keys` and remembers what was derived."""

    def __init__(self, keys: KeyProvider):
        self._keys = keys
        self.noted: dict[str, dict[Derivation, bytes]] = {}
        self.primaries: dict[str, int] = {}

    def _recording(self, key: Key) -> RecordingKey:
        return RecordingKey(key.name, key.version, key.material, self.noted)

    def primary(self, name: str = "default") -> Key:
        key = self._keys.primary(name)
        self.primaries[name] = key.version
        return self._recording(key)

    def get(self, name: str, version: int) -> Key:
        return self._recording(self._keys.get(name, version))

    def by_id(self, key_id: str) -> Key:
        return self._recording(self._keys.by_id(key_id))

    def versions(self, name: str) -> list[int]:
        return self._keys.versions(name)

    def names(self) -> list[str]:
        return self._keys.names()

    def shipped(self) -> ShippedKeys:
        """The subkeys derived so far, ready to travel to executors."""
        return ShippedKeys(dict(self.primaries), {key_id: dict(subkeys) for key_id, subkeys in self.noted.items()})

    def __repr__(self) -> str:
        return f"RecordingKeys({self._keys!r})"


class ShippedKeys:
    """The executors' key ring: primary versions and recorded subkeys, keyed by key id."""

    def __init__(self, primaries: dict[str, int], subkeys: dict[str, dict[Derivation, bytes]]):
        self._primaries = primaries
        self._subkeys = subkeys

    def _shipped(self, name: str, version: int) -> ShippedKey:
        key_id = format_key_id(name, version)
        if key_id not in self._subkeys:
            raise KeyMaterialError(f"key {key_id} was not shipped to the executors")
        return ShippedKey(name, version, b"", self._subkeys[key_id])

    def primary(self, name: str = "default") -> Key:
        if name not in self._primaries:
            raise KeyMaterialError(f"key '{name}' was not shipped to the executors")
        return self._shipped(name, self._primaries[name])

    def get(self, name: str, version: int) -> Key:
        return self._shipped(name, version)

    def by_id(self, key_id: str) -> Key:
        return self._shipped(*parse_key_id(key_id))

    def versions(self, name: str) -> list[int]:
        return sorted(version for shipped, version in map(parse_key_id, self._subkeys) if shipped == name)

    def names(self) -> list[str]:
        return sorted({name for name, _ in map(parse_key_id, self._subkeys)})

    def __repr__(self) -> str:
        return f"ShippedKeys({sorted(self._subkeys)!r})"
