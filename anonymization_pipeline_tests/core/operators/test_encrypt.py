"""`encrypt` / `decrypt`: round trips, ciphertext format, tamper detection, rotation, Fernet."""

from __future__ import annotations

import pandas as pd
import pytest
from cryptography.fernet import Fernet

from anonymization_pipeline.core.errors import InputDataError, KeyMaterialError
from anonymization_pipeline.core.keys import KeyProvider, encode_key_material
from anonymization_pipeline.core.operators import (
    OperatorContext,
    OperatorParameterError,
    get_operator,
    reencrypt_column,
)
from anonymization_pipeline_tests.core.operators.conftest import KEY_BYTES, strings

ENCRYPT = get_operator("encrypt")
DECRYPT = get_operator("decrypt")
VALUES = strings("alice@example.com", "alice@example.com", "Zoë Ångström", "", None, "東京")
NEW_KEY = bytes(range(50, 82))


def round_trip(params: dict, context: OperatorContext, column: pd.Series = VALUES) -> tuple[pd.Series, pd.Series]:
    encrypted = ENCRYPT.operate(column, params, context).column
    decrypt_params = {name: value for name, value in params.items() if name != "deterministic"}
    return encrypted, DECRYPT.operate(encrypted, decrypt_params, context).column


@pytest.mark.parametrize("params", [{}, {"deterministic": True}, {"scheme": "fernet"}, {"key": "pii"}])
def test_decrypt_inverts_encrypt_keeping_nulls_and_empty_strings(context, params):
    encrypted, decrypted = round_trip(params, context)
    assert decrypted.tolist()[:4] == VALUES.tolist()[:4] and decrypted[5] == "東京"
    assert pd.isna(decrypted[4]) and pd.isna(encrypted[4]) and encrypted[3] == ""
    assert not set(encrypted.dropna()) & set(VALUES.dropna()) - {""}


def test_gcm_is_randomised_and_siv_is_deterministic(context):
    gcm = ENCRYPT.operate(VALUES, {}, context).column
    siv = ENCRYPT.operate(VALUES, {"deterministic": True}, context).column
    assert gcm[0] != gcm[1]
    assert siv[0] == siv[1] == ENCRYPT.operate(strings("alice@example.com"), {"deterministic": True}, context).column[0]


def test_each_ciphertext_names_its_scheme_and_key_version(context):
    gcm = ENCRYPT.operate(strings("x"), {"key": "pii"}, context)
    siv = ENCRYPT.operate(strings("x"), {"deterministic": True}, context)
    assert gcm.column[0].startswith("gcm:pii:v1:") and len(gcm.column[0]) == len("gcm:pii:v1:") + 2 * (12 + 1 + 16)
    assert siv.column[0].startswith("siv:default:v1:") and len(siv.column[0]) == len("siv:default:v1:") + 2 * (16 + 1)
    assert gcm.stats == {"changed": 1, "nulls": 0, "key_id": "pii:v1", "scheme": "aes-256-gcm"}
    assert siv.stats["scheme"] == "aes-256-siv"


@pytest.mark.parametrize("deterministic", [False, True])
def test_altering_a_ciphertext_is_detected_and_no_value_is_shown(context, deterministic):
    encrypted = ENCRYPT.operate(strings("secret-1", "secret-2"), {"deterministic": deterministic}, context).column
    flipped = encrypted[1][:-1] + ("0" if encrypted[1][-1] != "0" else "1")
    for tampered in (flipped, encrypted[1].replace(":v1:", ":v2:"), encrypted[1][:-2], "gcm:default:v1:zz"):
        with pytest.raises((InputDataError, KeyMaterialError)) as raised:
            DECRYPT.operate(strings(encrypted[0], tampered), {}, context)
        assert "secret" not in str(raised.value)
    with pytest.raises(InputDataError, match=r"^column 'column': 1 of 2 values cannot be decrypted with key 'default'"):
        DECRYPT.operate(strings(encrypted[0], flipped), {}, context)


def test_a_wrong_key_or_another_keys_ciphertext_fails(context):
    encrypted = ENCRYPT.operate(strings("secret"), {}, context).column
    wrong = OperatorContext("column", keys=KeyProvider.from_keys({"default": NEW_KEY}))
    with pytest.raises(InputDataError, match="1 of 1 values cannot be decrypted"):
        DECRYPT.operate(encrypted, {}, wrong)
    with pytest.raises(InputDataError, match="with key 'pii'"):
        DECRYPT.operate(encrypted, {"key": "pii"}, context)


def test_after_rotation_old_ciphertexts_still_decrypt_and_reencrypt_moves_them(context):
    old = ENCRYPT.operate(VALUES, {"key": "pii"}, context).column
    old_siv = ENCRYPT.operate(VALUES, {"key": "pii", "deterministic": True}, context).column
    rotated = KeyProvider.from_keys({"pii": {1: KEY_BYTES, 2: NEW_KEY}})
    after = OperatorContext("column", keys=rotated)
    assert DECRYPT.operate(old, {"key": "pii"}, after).column.tolist()[:4] == VALUES.tolist()[:4]
    assert ENCRYPT.operate(VALUES, {"key": "pii"}, after).column[0].startswith("gcm:pii:v2:")

    moved, stats = reencrypt_column(old, rotated, "pii")
    moved_siv, _ = reencrypt_column(old_siv, rotated, "pii")
    assert stats == {"reencrypted": 4, "key_id": "pii:v2"}
    assert moved[0].startswith("gcm:pii:v2:") and moved_siv[0].startswith("siv:pii:v2:")
    assert moved_siv[0] == moved_siv[1]
    retired = OperatorContext("column", keys=KeyProvider.from_keys({"pii": {2: NEW_KEY}}))
    assert DECRYPT.operate(moved, {"key": "pii"}, retired).column.tolist()[:4] == VALUES.tolist()[:4]
    assert DECRYPT.operate(moved_siv, {"key": "pii"}, retired).column.tolist()[:4] == VALUES.tolist()[:4]
    with pytest.raises(KeyMaterialError, match=r"key pii:v1 is not available \(versions found: v2\)"):
        DECRYPT.operate(old, {"key": "pii"}, retired)
    assert reencrypt_column(moved, rotated, "pii")[1]["reencrypted"] == 0


def test_fernet_tokens_are_plain_fernet_and_rotate_with_multifernet(context):
    tokens = ENCRYPT.operate(strings("alice"), {"scheme": "fernet"}, context).column
    assert Fernet(encode_key_material(KEY_BYTES)).decrypt(tokens[0].encode()) == b"alice"
    rotated = KeyProvider.from_keys({"default": {1: KEY_BYTES, 2: NEW_KEY}})
    moved, stats = reencrypt_column(tokens, rotated, "default", scheme="fernet")
    assert Fernet(encode_key_material(NEW_KEY)).decrypt(moved[0].encode()) == b"alice" and stats["reencrypted"] == 1


@pytest.mark.parametrize(
    ("params", "parameter", "reason"),
    [
        ({"scheme": "rsa"}, "scheme", "'rsa' is not one of: aes, fernet"),
        ({"deterministic": 1}, "deterministic", "must be true or false, got 1"),
        (
            {"scheme": "fernet", "deterministic": True},
            "deterministic",
            "Fernet is always randomised; use scheme: aes for deterministic encryption",
        ),
        ({"nonce": "fixed"}, "nonce", "unknown parameter for 'encrypt'; allowed: key, deterministic, scheme"),
    ],
)
def test_validate_names_the_parameter_and_the_bad_value(params, parameter, reason):
    with pytest.raises(OperatorParameterError) as raised:
        ENCRYPT.validate(params)
    assert (raised.value.parameter, raised.value.reason) == (parameter, reason)
