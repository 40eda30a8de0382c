"""`pseudonymize` and `hash`: known answers, determinism, key separation, nulls, the vault link."""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from anonymization_pipeline.core.errors import KeyMaterialError
from anonymization_pipeline.core.keys import KeyProvider
from anonymization_pipeline.core.operators import OperatorContext, OperatorParameterError, get_operator
from anonymization_pipeline.core.vault import Vault
from anonymization_pipeline_tests.core.operators.conftest import KEY_BYTES, OTHER_KEY_BYTES, strings

PSEUDONYMIZE = get_operator("pseudonymize")
HASH = get_operator("hash")


def expected_token(value: str, prefix: str = "", key: bytes = KEY_BYTES, hex_digits: int = 16) -> str:
    """The documented construction, computed independently: HMAC-SHA256 under the HKDF subkey."""
    subkey = HKDF(hashes.SHA256(), 32, None, b"anonymization_pipeline:pseudonymize:hmac-sha256").derive(key)
    return prefix + hmac.new(subkey, value.encode(), hashlib.sha256).hexdigest()[:hex_digits]


def test_tokens_are_the_documented_keyed_hmac_of_the_normalised_value(context):
    column = strings("alice@example.com", "  alice@example.com ", "Zoe\u0308", "", None)
    outcome = PSEUDONYMIZE.operate(column, {"prefix": "u_"}, context)
    assert outcome.column.tolist()[:4] == [
        expected_token("alice@example.com", "u_"),
        expected_token("alice@example.com", "u_"),
        expected_token("Zoë", "u_"),
        "",
    ]
    assert pd.isna(outcome.column.iloc[4])
    assert outcome.stats == {
        "changed": 3,
        "nulls": 1,
        "empty": 1,
        "hashed": 2,
        "key_id": "default:v1",
        "algorithm": "hmac-sha256",
        "bits": 64,
    }


def test_same_value_same_token_across_columns_tables_and_runs(keys):
    first = PSEUDONYMIZE.operate(strings("bob", "carol"), {}, OperatorContext("email", keys=keys)).column
    again = PSEUDONYMIZE.operate(
        pd.Series(["carol", "dave", "bob"], dtype=object),
        {},
        OperatorContext("customer", keys=KeyProvider.from_keys({"default": KEY_BYTES})),
    ).column
    assert again.tolist() == [first[1], again[1], first[0]]


def test_a_different_key_gives_unrelated_tokens(keys):
    values = strings(*(f"user{i}" for i in range(1000)))
    ours = PSEUDONYMIZE.operate(values, {}, OperatorContext("id", keys=keys)).column
    theirs = PSEUDONYMIZE.operate(values, {"key": "vault"}, OperatorContext("id", keys=keys)).column
    assert set(ours) & set(theirs) == set()
    assert theirs[0] == expected_token("user0", key=OTHER_KEY_BYTES)


def test_repeated_values_are_hashed_once_and_many_distinct_values_stay_distinct(context):
    repeated = pd.Series(np.random.default_rng(0).choice(["a", "b", "c"], 20_000), dtype="str")
    assert PSEUDONYMIZE.operate(repeated, {}, context).stats["hashed"] == 3
    distinct = strings(*(f"id-{i}" for i in range(20_000)))
    tokens = PSEUDONYMIZE.operate(distinct, {"bits": 96}, context).column
    assert tokens.is_unique and tokens.str.len().unique().tolist() == [24]


@pytest.mark.parametrize("algorithm", ["hmac-sha256", "blake2b"])
def test_both_algorithms_are_deterministic_and_differ_from_each_other(context, algorithm):
    column = strings("x", "y", "x")
    tokens = PSEUDONYMIZE.operate(column, {"algorithm": algorithm}, context).column
    assert tokens[0] == tokens[2] != tokens[1]
    other = "blake2b" if algorithm == "hmac-sha256" else "hmac-sha256"
    assert PSEUDONYMIZE.operate(column, {"algorithm": other}, context).column[0] != tokens[0]


def test_blake2b_tokens_are_keyed_blake2b_of_the_value(context):
    subkey = HKDF(hashes.SHA256(), 32, None, b"anonymization_pipeline:pseudonymize:blake2b").derive(KEY_BYTES)
    token = PSEUDONYMIZE.operate(strings("x"), {"algorithm": "blake2b", "bits": 128}, context).column[0]
    assert token == hashlib.blake2b(b"x", key=subkey, digest_size=16).hexdigest()


def test_case_insensitive_tokens_join_spellings(context):
    tokens = PSEUDONYMIZE.operate(strings("Alice@Example.COM", "alice@example.com"), {"case_sensitive": False}, context)
    assert tokens.column[0] == tokens.column[1] == expected_token("alice@example.com")


def test_mixed_types_are_tokenised_as_their_text(context):
    tokens = PSEUDONYMIZE.operate(pd.Series([42, "42", None, 4.5], dtype=object), {}, context).column
    assert tokens[0] == tokens[1] == expected_token("42")
    assert tokens[3] == expected_token("4.5")


def test_hash_is_a_full_length_keyed_hmac_without_prefix(context):
    digest = HASH.operate(strings("123-45-6789"), {}, context).column[0]
    assert digest == expected_token("123-45-6789", hex_digits=64)
    assert digest != hashlib.sha256(b"123-45-6789").hexdigest()


def test_vault_true_stores_each_distinct_original_under_its_token(context, monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'vault.sqlite'}"
    monkeypatch.setenv("ANONYMIZER_VAULT_URL", url)
    column = strings("ann@example.com", "bob@example.com", "ann@example.com", None)
    outcome = PSEUDONYMIZE.operate(column, {"prefix": "p_", "vault": True}, context)
    assert outcome.stats["vault_tokens"] == 2 and outcome.stats["vault_key_id"] == "vault:v1"
    vault = Vault(url)
    token = outcome.column[1]
    assert vault.reidentify([token], reason="test", actor="tester", keys=context.keys) == {token: "bob@example.com"}
    assert vault.entry_count() == 2
    vault.dispose()


@pytest.mark.parametrize(
    ("operator", "params", "parameter", "reason"),
    [
        (PSEUDONYMIZE, {"bits": 32}, "bits", "must be a whole number from 64 to 256, got 32"),
        (PSEUDONYMIZE, {"bits": 100}, "bits", "must be a multiple of 8, got 100"),
        (PSEUDONYMIZE, {"algorithm": "sha256"}, "algorithm", "'sha256' is not one of: hmac-sha256, blake2b"),
        (PSEUDONYMIZE, {"prefix": 7}, "prefix", "must be a string, got 7"),
        (PSEUDONYMIZE, {"vault": "yes"}, "vault", "must be true or false, got 'yes'"),
        (PSEUDONYMIZE, {"vault_key": "archive"}, "vault_key", "only used with vault: true"),
        (
            PSEUDONYMIZE,
            {"key": "Not A Name"},
            "key",
            "must name a key (lower-case letters, digits, '_'), got a value that is not a key name",
        ),
        (
            HASH,
            {"prefix": "h_"},
            "prefix",
            "unknown parameter for 'hash'; allowed: key, bits, algorithm, case_sensitive",
        ),
    ],
)
def test_validate_names_the_parameter_and_the_bad_value(operator, params, parameter, reason):
    with pytest.raises(OperatorParameterError) as raised:
        operator.validate(params)
    assert (raised.value.parameter, raised.value.reason) == (parameter, reason)


def test_a_missing_key_names_the_key_and_where_it_was_looked_for(monkeypatch):
    monkeypatch.delenv("ANONYMIZER_KEY_FILE", raising=False)
    with pytest.raises(KeyMaterialError) as raised:
        PSEUDONYMIZE.operate(strings("x"), {"key": "customers"}, OperatorContext("id"))
    assert str(raised.value) == (
        "key 'customers' not found in environment variables ANONYMIZER_KEY_<NAME> (ANONYMIZER_KEY_FILE is not set): "
        "set ANONYMIZER_KEY_CUSTOMERS or create it with `anonymize keys generate customers --key-file PATH`"
    )
