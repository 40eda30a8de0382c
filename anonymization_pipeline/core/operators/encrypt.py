"""`encrypt` and `decrypt`: reversible protection for authorised use, with key rotation.

`encrypt` params: `key` (default `default`), `deterministic` (false: AES-256-GCM with a random
nonce; true: AES-SIV, equal values give equal ciphertexts so equality joins work), `scheme`
(`aes`, default, or `fernet` for compatibility). AES ciphertexts read `gcm:<key>:v<n>:<hex>` or
`siv:<key>:v<n>:<hex>`, so each names the key version that opens it. Values are encrypted as
their text; nulls stay null and empty strings stay empty.
`decrypt` is the inverse; values that were altered or belong to another key are an error (none
of them is shown). `reencrypt_column` moves ciphertexts to the primary version after a rotation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.keys import DEFAULT_KEY_NAME, KeyProvider
from anonymization_pipeline.core.operators.aead import GCM, SIV, decrypt_values, encrypt_values
from anonymization_pipeline.core.operators.base import (
    Operator,
    OperatorContext,
    OperatorOutcome,
    OperatorParameterError,
)
from anonymization_pipeline.core.operators.columns import count_changed, text_array, text_series
from anonymization_pipeline.core.operators.fernet_scheme import (
    fernet_decrypt,
    fernet_encrypt,
    fernet_rotate,
    multi_fernet,
)
from anonymization_pipeline.core.operators.key_access import KEY, key_provider
from anonymization_pipeline.core.operators.normalization import present_values
from anonymization_pipeline.core.operators.params import check_bool, check_choice, check_key_name

DETERMINISTIC = "deterministic"
SCHEME = "scheme"
AES = "aes"
FERNET = "fernet"
SCHEMES = (AES, FERNET)


def reencrypt_column(
    column: pd.Series, keys: KeyProvider, key_name: str, scheme: str = AES
) -> tuple[pd.Series, dict[str, Any]]:
    """Ciphertexts of `key_name` re-encrypted under its primary version; GCM stays GCM, SIV stays SIV.

    Values already under the primary version are left as they are. Fernet tokens are all rotated.

    >>> keys = KeyProvider.from_keys({"pii": {1: bytes(32)}})
    >>> old = EncryptOperator().operate(pd.Series(["alice"]), {"key": "pii"}, OperatorContext("n", keys=keys)).column
    >>> rotated = KeyProvider.from_keys({"pii": {1: bytes(32), 2: bytes(range(32))}})
    >>> new, stats = reencrypt_column(old, rotated, "pii")
    >>> new[0].startswith("gcm:pii:v2:"), stats["reencrypted"]
    (True, 1)
    """
    text = text_array(column)
    present = present_values(text)
    values = text.filter(present)
    primary = keys.primary(key_name)
    if scheme == FERNET:
        renewed, failed = fernet_rotate(values, multi_fernet(keys, key_name))
        _refuse_failures(failed, "re-encrypted")
    else:
        plain, failed, _ = decrypt_values(values, keys, key_name)
        _refuse_failures(failed, "re-encrypted")
        renewed = values
        for mode in (GCM, SIV):
            stale = pc.and_(
                pc.starts_with(values, f"{mode}:"), pc.invert(pc.starts_with(values, f"{mode}:{primary.key_id}:"))
            )
            if pc.any(stale).as_py():
                renewed = pc.replace_with_mask(renewed, stale, encrypt_values(plain.filter(stale), primary, mode))
    result = pc.replace_with_mask(text, present, renewed)
    return text_series(result, column.index), {"reencrypted": count_changed(text, result), "key_id": primary.key_id}


def _refuse_failures(failed: np.ndarray, action: str) -> None:
    if failed.any():
        raise InputDataError(
            f"{int(failed.sum())} of {failed.size} values cannot be {action}: they were altered, are not "
            "ciphertexts of this key, or need a key version that is not available"
        )


class EncryptOperator(Operator):
    """AES-256-GCM (default), AES-SIV (`deterministic: true`) or Fernet (`scheme: fernet`)."""

    name = "encrypt"
    protects_identifiers = True

    def parameters(self) -> tuple[str, ...]:
        return (KEY, DETERMINISTIC, SCHEME)

    def validate(self, params: Mapping[str, Any]) -> None:
        super().validate(params)
        check_key_name(params, KEY)
        check_bool(params, DETERMINISTIC)
        check_choice(params, SCHEME, SCHEMES)
        if params.get(SCHEME) == FERNET and params.get(DETERMINISTIC):
            raise OperatorParameterError(
                DETERMINISTIC, "Fernet is always randomised; use scheme: aes for deterministic encryption"
            )

    def operate(self, column: pd.Series, params: Mapping[str, Any], context: OperatorContext) -> OperatorOutcome:
        self.validate(params)
        keys = key_provider(context)
        key_name = params.get(KEY, DEFAULT_KEY_NAME)
        text = text_array(column)
        present = present_values(text)
        values = text.filter(present)
        if params.get(SCHEME, AES) == FERNET:
            encrypted = fernet_encrypt(values, multi_fernet(keys, key_name))
            scheme = "fernet"
        else:
            mode = SIV if params.get(DETERMINISTIC, False) else GCM
            encrypted = encrypt_values(values, keys.primary(key_name), mode)
            scheme = "aes-256-siv" if mode == SIV else "aes-256-gcm"
        result = pc.replace_with_mask(text, present, encrypted)
        stats = {
            "changed": count_changed(text, result),
            "nulls": text.null_count,
            "key_id": keys.primary(key_name).key_id,
            "scheme": scheme,
        }
        return OperatorOutcome(text_series(result, column.index), stats)


class DecryptOperator(Operator):
    """The inverse of `encrypt`, for authorised use: any version of the named key that is still available."""

    name = "decrypt"

    def parameters(self) -> tuple[str, ...]:
        return (KEY, SCHEME)

    def validate(self, params: Mapping[str, Any]) -> None:
        super().validate(params)
        check_key_name(params, KEY)
        check_choice(params, SCHEME, SCHEMES)

    def operate(self, column: pd.Series, params: Mapping[str, Any], context: OperatorContext) -> OperatorOutcome:
        self.validate(params)
        keys = key_provider(context)
        key_name = params.get(KEY, DEFAULT_KEY_NAME)
        text = text_array(column)
        present = present_values(text)
        values = text.filter(present)
        if params.get(SCHEME, AES) == FERNET:
            plain, failed = fernet_decrypt(values, multi_fernet(keys, key_name))
            used = sorted(f"{key_name}:v{v}" for v in keys.versions(key_name))
        else:
            plain, failed, key_ids = decrypt_values(values, keys, key_name)
            used = sorted(key_ids)
        if failed.any():
            raise InputDataError(
                f"column '{context.field}': {int(failed.sum())} of {failed.size} values cannot be decrypted with key "
                f"'{key_name}': they were altered, are not its ciphertexts, or need a retired version"
            )
        result = pc.replace_with_mask(text, present, plain)
        stats = {"changed": count_changed(text, result), "nulls": text.null_count, "key_ids": used}
        return OperatorOutcome(text_series(result, column.index), stats)
