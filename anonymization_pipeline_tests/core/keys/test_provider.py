"""KeyProvider: keys from environment variables and the key file, versions, and clear errors."""

from __future__ import annotations

import hashlib

import pytest

from anonymization_pipeline.core.errors import KeyMaterialError
from anonymization_pipeline.core.keys import Key, KeyProvider, encode_key_material, generate_key, rotate_key

ONE, TWO, THREE = (hashlib.sha256(bytes([seed])).digest() for seed in (1, 2, 3))


def test_an_unversioned_variable_is_the_primary_after_older_versions():
    keys = KeyProvider.from_environment(
        {
            "ANONYMIZER_KEY_PSEUDONYMS": encode_key_material(THREE),
            "ANONYMIZER_KEY_PSEUDONYMS_V1": encode_key_material(ONE),
            "ANONYMIZER_KEY_PSEUDONYMS_V2": encode_key_material(TWO),
            "ANONYMIZER_KEY_DEFAULT": encode_key_material(ONE),
            "UNRELATED": "x",
        }
    )
    assert keys.names() == ["default", "pseudonyms"]
    assert keys.primary("pseudonyms") == Key("pseudonyms", 3, THREE)
    assert keys.get("pseudonyms", 1).material == ONE and keys.by_id("pseudonyms:v2").material == TWO
    assert keys.primary().key_id == "default:v1"
    assert repr(keys) == "KeyProvider(['default:v1', 'pseudonyms:v1', 'pseudonyms:v2', 'pseudonyms:v3'])"


def test_with_only_versioned_variables_the_highest_is_primary():
    keys = KeyProvider.from_environment(
        {"ANONYMIZER_KEY_VAULT_V4": encode_key_material(ONE), "ANONYMIZER_KEY_VAULT_V7": encode_key_material(TWO)}
    )
    assert keys.primary("vault").key_id == "vault:v7" and keys.versions("vault") == [4, 7]


def test_keys_from_the_key_file_and_from_variables_combine(tmp_path):
    path = tmp_path / "keys.json"
    generate_key(path, "pii")
    rotate_key(path, "pii")
    keys = KeyProvider.from_environment(
        {"ANONYMIZER_KEY_FILE": str(path), "ANONYMIZER_KEY_DEFAULT": encode_key_material(ONE)}
    )
    assert keys.names() == ["default", "pii"] and keys.primary("pii").key_id == "pii:v2"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"ANONYMIZER_KEY_PII": "not base64!"},
            "ANONYMIZER_KEY_PII is not a key: expected urlsafe base64 of 32 random bytes",
        ),
        (
            {"ANONYMIZER_KEY_PII": encode_key_material(bytes(16))},
            "ANONYMIZER_KEY_PII is not a key: expected urlsafe base64 of 32 random bytes",
        ),
        (
            {"ANONYMIZER_KEY_PII": "#" + encode_key_material(ONE)[:20] + "!?" + encode_key_material(ONE)[20:]},
            "ANONYMIZER_KEY_PII is not a key: expected urlsafe base64 of 32 random bytes and nothing else",
        ),
        ({"ANONYMIZER_KEY_PII": encode_key_material(bytes(32))}, "ANONYMIZER_KEY_PII is not random: all zero"),
        ({"ANONYMIZER_KEY_PII": encode_key_material(bytes([7]) * 32)}, "ANONYMIZER_KEY_PII is not random"),
        ({"ANONYMIZER_KEY_PII": encode_key_material(bytes(range(32)))}, "ANONYMIZER_KEY_PII is not random"),
        ({"ANONYMIZER_KEY_PII_V0": encode_key_material(ONE)}, "ANONYMIZER_KEY_PII_V0: key versions start at 1"),
        ({"ANONYMIZER_KEY_MY-KEY": encode_key_material(ONE)}, "'my-key' is not a key name"),
    ],
)
def test_malformed_variables_are_refused_without_showing_their_value(environ, message):
    with pytest.raises(KeyMaterialError) as raised:
        KeyProvider.from_environment(environ)
    assert str(raised.value).startswith(message)
    assert encode_key_material(ONE) not in str(raised.value)


def test_a_name_in_both_places_is_an_error(tmp_path):
    path = tmp_path / "keys.json"
    generate_key(path, "pii")
    with pytest.raises(KeyMaterialError, match="key 'pii' is defined both by ANONYMIZER_KEY_PII and in the key file"):
        KeyProvider.from_environment({"ANONYMIZER_KEY_FILE": str(path), "ANONYMIZER_KEY_PII": encode_key_material(ONE)})


def test_missing_keys_and_versions_name_the_key_and_where_it_was_looked_for(tmp_path):
    keys = KeyProvider.from_environment({"ANONYMIZER_KEY_PII": encode_key_material(ONE)})
    with pytest.raises(KeyMaterialError) as raised:
        keys.primary("vault")
    assert str(raised.value) == (
        "key 'vault' not found in environment variables ANONYMIZER_KEY_<NAME> (ANONYMIZER_KEY_FILE is not set): "
        "set ANONYMIZER_KEY_VAULT or create it with `anonymize keys generate vault --key-file PATH`"
    )
    with pytest.raises(
        KeyMaterialError, match=r"^key pii:v2 is not available \(versions found: v1\); it may have been retired$"
    ):
        keys.get("pii", 2)
    path = tmp_path / "keys.json"
    generate_key(path, "other")
    with pytest.raises(
        KeyMaterialError, match=f"not found in environment variables ANONYMIZER_KEY_<NAME> and the key file {path}"
    ):
        KeyProvider.from_environment({"ANONYMIZER_KEY_FILE": str(path)}).primary("vault")


def test_reprs_and_ids_never_show_key_bytes():
    key = Key("pii", 2, TWO)
    shown = repr(key) + str(key) + repr(KeyProvider.from_keys({"pii": {2: TWO}})) + key.key_id
    assert shown == "Key('pii:v2')Key('pii:v2')KeyProvider(['pii:v2'])pii:v2"


def test_derived_subkeys_differ_per_purpose_and_per_key():
    key = Key("pii", 1, ONE)
    assert key.derive("a") != key.derive("b") != ONE
    assert key.derive("a") != Key("pii", 2, TWO).derive("a")
    assert len(key.derive("siv", 64)) == 64
