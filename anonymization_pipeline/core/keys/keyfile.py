"""The key file: named, versioned keys in one JSON file that only its owner may read.

    {"format": 1, "keys": {"pseudonyms": {"primary": 2, "versions": {"1": "<base64>", "2": "<base64>"}}}}

Reading refuses a file that its group or others can access (permissions must be 0600 or
stricter). Writing goes to a temporary file created with 0600 in the same folder, renamed over
the old one, so a crash never leaves a half-written or world-readable key file.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path

from anonymization_pipeline.core.errors import KeyMaterialError
from anonymization_pipeline.core.keys.material import (
    Key,
    check_key_name,
    decode_key_material,
    encode_key_material,
    new_key_material,
)
from anonymization_pipeline.core.keys.provider import KeyVersions

FILE_FORMAT = 1


def read_key_file(path: Path) -> dict[str, KeyVersions]:
    """All keys in a key file, by name; refuses files with permissions wider than 0600.

    >>> read_key_file(Path("keys.json"))["pseudonyms"].primary  # doctest: +SKIP
    2
    """
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError as error:
        raise KeyMaterialError(f"key file {path}: cannot read it ({error.strerror})") from None
    if mode & 0o077:
        raise KeyMaterialError(
            f"key file {path} has permissions {mode:04o}; it must be readable by its owner only: chmod 600 {path}"
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise KeyMaterialError(f"key file {path} is not a readable JSON key file") from None
    return _parse(document, path)


def write_key_file(path: Path, keys: dict[str, KeyVersions]) -> None:
    """Replace the key file atomically with `keys`, permissions 0600.

    >>> write_key_file(Path("keys.json"), {})  # doctest: +SKIP
    """
    document = {
        "format": FILE_FORMAT,
        "keys": {
            name: {
                "primary": versions.primary,
                "versions": {str(v): encode_key_material(m) for v, m in sorted(versions.versions.items())},
            }
            for name, versions in sorted(keys.items())
        },
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as error:
        raise KeyMaterialError(f"cannot write the key file {path}: {error.strerror or type(error).__name__}") from None
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise KeyMaterialError(f"cannot write the key file {path}: {error.strerror or type(error).__name__}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def generate_key(path: Path, name: str, *, exists_ok: bool = False) -> Key:
    """Add key `name` (version 1) to the key file, creating the file if needed.

    With `exists_ok`, an existing key is returned unchanged instead of being an error.

    >>> generate_key(Path("keys.json"), "pseudonyms").key_id  # doctest: +SKIP
    'pseudonyms:v1'
    """
    check_key_name(name)
    keys = read_key_file(path) if path.exists() else {}
    if name in keys:
        if exists_ok:
            return keys[name].key(keys[name].primary)
        raise KeyMaterialError(
            f"key '{name}' already exists in {path}; use `anonymize keys rotate {name}` for a new version"
        )
    keys[name] = KeyVersions(name, 1, {1: new_key_material()})
    write_key_file(path, keys)
    return keys[name].key(1)


def rotate_key(path: Path, name: str) -> Key:
    """Add a new version of `name` and make it primary; older versions still decrypt until retired.

    >>> rotate_key(Path("keys.json"), "pseudonyms").key_id  # doctest: +SKIP
    'pseudonyms:v2'
    """
    keys = read_key_file(path)
    current = _existing(keys, name, path)
    version = max(current.versions) + 1
    keys[name] = KeyVersions(name, version, {**current.versions, version: new_key_material()})
    write_key_file(path, keys)
    return keys[name].key(version)


def retire_key_version(path: Path, name: str, version: int) -> None:
    """Delete an old version: what it protected can no longer be decrypted or re-identified.

    >>> retire_key_version(Path("keys.json"), "pseudonyms", 1)  # doctest: +SKIP
    """
    keys = read_key_file(path)
    current = _existing(keys, name, path)
    if version not in current.versions:
        raise KeyMaterialError(f"key '{name}' in {path} has no version v{version}")
    if version == current.primary:
        raise KeyMaterialError(f"v{version} is the primary version of '{name}'; rotate first, then retire it")
    remaining = {v: m for v, m in current.versions.items() if v != version}
    keys[name] = KeyVersions(name, current.primary, remaining)
    write_key_file(path, keys)


def _existing(keys: dict[str, KeyVersions], name: str, path: Path) -> KeyVersions:
    if name not in keys:
        raise KeyMaterialError(f"key '{name}' is not in {path}; create it with `anonymize keys generate {name}`")
    return keys[name]


def _parse(document: object, path: Path) -> dict[str, KeyVersions]:
    if (
        not isinstance(document, dict)
        or document.get("format") != FILE_FORMAT
        or not isinstance(document.get("keys"), dict)
    ):
        raise KeyMaterialError(f"key file {path} is not a key file of format {FILE_FORMAT}")
    keys = {}
    for name, entry in document["keys"].items():
        check_key_name(name)
        try:
            primary = int(entry["primary"])
            versions = {
                int(version): decode_key_material(text, f"key file {path}, key '{name}' v{version}")
                for version, text in entry["versions"].items()
            }
        except (KeyError, TypeError, ValueError, AttributeError):
            raise KeyMaterialError(f"key file {path}: key '{name}' needs 'primary' and 'versions'") from None
        keys[name] = KeyVersions(name, primary, versions)
    return keys
