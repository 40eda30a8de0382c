"""`pseudonymize` and `hash`: deterministic keyed tokens that keep joins working.

A token is `prefix` + hex of a keyed digest (HMAC-SHA256 by default, or keyed BLAKE2b) of the
normalised value (trimmed, NFC, optionally lower-cased), under a subkey derived from the named key.
The same value gets the same token in every column, table and run under the same key, so joins
survive; under another key the tokens are unrelated. Only whoever holds the key can test a guess.

Length: 64 bits (16 hex digits) by default. With n distinct values the chance that any two share a
token is about n² / 2^(bits+1): for 10⁹ values and 64 bits that is 1e18 / 3.7e19 ≈ 2.7 %; with
`bits: 96` it is 6e-12. Use 96 or more for populations near a billion.

With `vault: true`, each distinct original is also sealed into the re-identification vault
(`ANONYMIZER_VAULT_URL`) under the key named by `vault_key` (default `vault`).
`hash` is the same keyed digest without prefix or vault, 256 bits by default.
Rotating the key changes every token: re-pseudonymize all tables that are joined together.
Empty strings stay empty and nulls stay null.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from anonymization_pipeline.core.keys import DEFAULT_KEY_NAME, Key
from anonymization_pipeline.core.operators.base import (
    Operator,
    OperatorContext,
    OperatorOutcome,
    OperatorParameterError,
)
from anonymization_pipeline.core.operators.codec import hex_prefixed
from anonymization_pipeline.core.operators.columns import count_changed, text_array, text_series
from anonymization_pipeline.core.operators.key_access import KEY, key_provider
from anonymization_pipeline.core.operators.keyed_hash import ALGORITHMS, HMAC_SHA256, distinct_values, keyed_digests
from anonymization_pipeline.core.operators.normalization import normalized_text, present_values
from anonymization_pipeline.core.operators.params import (
    check_bool,
    check_choice,
    check_int,
    check_key_name,
    check_string,
)

PREFIX = "prefix"
BITS = "bits"
ALGORITHM = "algorithm"
CASE_SENSITIVE = "case_sensitive"
VAULT = "vault"
VAULT_KEY = "vault_key"
MIN_BITS, MAX_BITS = 64, 256
MAX_PREFIX = 32


def derive_tokens(
    text: pa.Array,
    key: Key,
    *,
    prefix: str = "",
    bits: int = 64,
    algorithm: str = HMAC_SHA256,
    case_sensitive: bool = True,
) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(token per value, the distinct normalised values hashed, their tokens); nulls and '' pass through.

    >>> from anonymization_pipeline.core.keys import Key
    >>> column = pa.array(["a@x.org", " a@x.org", "", None])
    >>> tokens, hashed, _ = derive_tokens(column, Key("k", 1, bytes(32)), prefix="u_")
    >>> tokens.to_pylist()[0] == tokens.to_pylist()[1], tokens.to_pylist()[2:], len(hashed)
    (True, ['', None], 1)
    """
    normalized = normalized_text(text, case_sensitive)
    present = present_values(normalized)
    everything = normalized.null_count == 0 and bool(pc.all(present).as_py())
    values = normalized if everything else normalized.filter(present)
    unique, codes = distinct_values(values)
    digests = keyed_digests(
        unique.cast(pa.large_binary()).to_pylist(), key.derive(f"pseudonymize:{algorithm}"), algorithm, bits // 8
    )
    unique_tokens = hex_prefixed(digests, prefix)
    tokens = unique_tokens if codes is None else unique_tokens.take(codes)
    full = tokens if everything else pc.replace_with_mask(normalized, present, tokens)
    return full, unique, unique_tokens


class PseudonymizeOperator(Operator):
    """Keyed, deterministic tokens; optionally kept reversible through the vault."""

    name = "pseudonymize"
    protects_identifiers = True
    default_bits = 64

    def parameters(self) -> tuple[str, ...]:
        return (KEY, PREFIX, BITS, ALGORITHM, CASE_SENSITIVE, VAULT, VAULT_KEY)

    def validate(self, params: Mapping[str, Any]) -> None:
        super().validate(params)
        check_key_name(params, KEY)
        check_key_name(params, VAULT_KEY)
        check_string(params, PREFIX)
        if len(params.get(PREFIX, "")) > MAX_PREFIX:
            raise OperatorParameterError(PREFIX, f"must be at most {MAX_PREFIX} characters, got {len(params[PREFIX])}")
        check_int(params, BITS, minimum=MIN_BITS, maximum=MAX_BITS)
        if params.get(BITS, self.default_bits) % 8:
            raise OperatorParameterError(BITS, f"must be a multiple of 8, got {params[BITS]!r}")
        check_choice(params, ALGORITHM, ALGORITHMS)
        check_bool(params, CASE_SENSITIVE)
        check_bool(params, VAULT)
        if VAULT_KEY in params and not params.get(VAULT, False):
            raise OperatorParameterError(VAULT_KEY, "only used with vault: true")

    def operate(self, column: pd.Series, params: Mapping[str, Any], context: OperatorContext) -> OperatorOutcome:
        self.validate(params)
        keys = key_provider(context)
        key = keys.primary(params.get(KEY, DEFAULT_KEY_NAME))
        text = text_array(column)
        algorithm = params.get(ALGORITHM, HMAC_SHA256)
        tokens, hashed, hashed_tokens = derive_tokens(
            text,
            key,
            prefix=params.get(PREFIX, ""),
            bits=params.get(BITS, self.default_bits),
            algorithm=algorithm,
            case_sensitive=params.get(CASE_SENSITIVE, True),
        )
        stats = {
            "changed": count_changed(text, tokens),
            "nulls": text.null_count,
            "empty": int(pc.sum(pc.equal(text, "")).as_py() or 0),
            "hashed": len(hashed),
            "key_id": key.key_id,
            "algorithm": algorithm,
            "bits": params.get(BITS, self.default_bits),
        }
        if params.get(VAULT, False):
            from anonymization_pipeline.core.vault import DEFAULT_VAULT_KEY, Vault

            vault_key = keys.primary(params.get(VAULT_KEY, DEFAULT_VAULT_KEY))
            vault = Vault.from_environment()
            try:
                stats["vault_tokens"] = vault.store(
                    hashed_tokens.to_pylist(), hashed.to_pylist(), vault_key, context.field
                )
            finally:
                vault.dispose()
            stats["vault_key_id"] = vault_key.key_id
        return OperatorOutcome(text_series(tokens, column.index), stats)


class HashOperator(PseudonymizeOperator):
    """A keyed HMAC-SHA256 (or BLAKE2b) hex digest, 256 bits by default; never an unkeyed hash."""

    name = "hash"
    default_bits = 256

    def parameters(self) -> tuple[str, ...]:
        return (KEY, BITS, ALGORITHM, CASE_SENSITIVE)
