"""The key file: 0600 or refused, atomic rewrites, generate / rotate / retire."""

from __future__ import annotations

import json
import os
import stat

import pytest

from anonymization_pipeline.core.errors import KeyMaterialError
from anonymization_pipeline.core.keys import generate_key, read_key_file, retire_key_version, rotate_key


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_generate_creates_a_0600_file_with_one_version(tmp_path):
    path = tmp_path / "secrets" / "keys.json"
    key = generate_key(path, "pseudonyms")
    assert key.key_id == "pseudonyms:v1" and len(key.material) == 32
    assert mode(path) == 0o600
    document = json.loads(path.read_text())
    assert document["format"] == 1 and document["keys"]["pseudonyms"]["primary"] == 1
    assert read_key_file(path)["pseudonyms"].versions == {1: key.material}
    assert os.listdir(path.parent) == ["keys.json"]


def test_generate_refuses_an_existing_key_unless_exists_ok(tmp_path):
    path = tmp_path / "keys.json"
    first = generate_key(path, "pii")
    with pytest.raises(KeyMaterialError, match=r"key 'pii' already exists in .*; use `anonymize keys rotate pii`"):
        generate_key(path, "pii")
    assert generate_key(path, "pii", exists_ok=True) == first


def test_rotate_adds_a_primary_version_and_retire_removes_an_old_one(tmp_path):
    path = tmp_path / "keys.json"
    first = generate_key(path, "pii")
    second = rotate_key(path, "pii")
    assert second.key_id == "pii:v2" and second.material != first.material
    assert read_key_file(path)["pii"].primary == 2 and sorted(read_key_file(path)["pii"].versions) == [1, 2]
    with pytest.raises(KeyMaterialError, match="v2 is the primary version of 'pii'; rotate first, then retire it"):
        retire_key_version(path, "pii", 2)
    retire_key_version(path, "pii", 1)
    assert read_key_file(path)["pii"].versions == {2: second.material}
    with pytest.raises(KeyMaterialError, match=r"key 'pii' in .* has no version v1"):
        retire_key_version(path, "pii", 1)
    assert mode(path) == 0o600


@pytest.mark.parametrize("permissions", [0o644, 0o640, 0o604, 0o660])
def test_a_key_file_others_can_read_is_refused(tmp_path, permissions):
    path = tmp_path / "keys.json"
    generate_key(path, "pii")
    path.chmod(permissions)
    with pytest.raises(KeyMaterialError) as raised:
        read_key_file(path)
    assert str(raised.value) == (
        f"key file {path} has permissions {permissions:04o}; it must be readable by its owner only: chmod 600 {path}"
    )


def test_stricter_permissions_are_accepted_and_broken_files_are_clear_errors(tmp_path):
    path = tmp_path / "keys.json"
    generate_key(path, "pii")
    path.chmod(0o400)
    assert "pii" in read_key_file(path)
    path.chmod(0o600)
    path.write_text("{not json")
    with pytest.raises(KeyMaterialError, match="is not a readable JSON key file"):
        read_key_file(path)
    path.write_text(json.dumps({"format": 1, "keys": {"pii": {"versions": {}}}}))
    with pytest.raises(KeyMaterialError, match="key 'pii' needs 'primary' and 'versions'"):
        read_key_file(path)
    with pytest.raises(KeyMaterialError, match="cannot read it"):
        read_key_file(tmp_path / "missing.json")
