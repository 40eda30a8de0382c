"""`fake`: replace values by realistic surrogates from Faker, the same surrogate for the same value.

Params: `provider` (required: which Faker generator, e.g. `name`, `email`, `phone_number`),
`locale` (default `en_US`), `key` (default `default`), `pool_size` (default 2000).
A pool of `pool_size` surrogates is generated once per (locale, provider, key, pool size) from a
seed derived from the key; each distinct value picks its surrogate by a keyed digest. So the same
value gets the same surrogate in every column, table and run under the same key (and Faker
version), while nobody without the key can tell which value a surrogate stands for. Different
values may share a surrogate: surrogates are realistic, not unique; raise `pool_size` when
uniqueness matters (generation costs about 50 µs per pooled value, once).
Empty strings stay empty and nulls stay null.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
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
from anonymization_pipeline.core.operators.columns import count_changed, text_array, text_series
from anonymization_pipeline.core.operators.key_access import KEY, key_provider
from anonymization_pipeline.core.operators.keyed_hash import HMAC_SHA256, distinct_values, keyed_digests
from anonymization_pipeline.core.operators.normalization import normalized_text, present_values
from anonymization_pipeline.core.operators.params import check_int, check_key_name, require

if TYPE_CHECKING:
    from faker import Faker

PROVIDER = "provider"
LOCALE = "locale"
POOL_SIZE = "pool_size"
DEFAULT_LOCALE = "en_US"
DEFAULT_POOL_SIZE = 2000
PROVIDERS = (
    "name",
    "first_name",
    "last_name",
    "email",
    "user_name",
    "phone_number",
    "ssn",
    "address",
    "street_address",
    "city",
    "postcode",
    "country",
    "company",
    "job",
    "ipv4",
    "iban",
    "credit_card_number",
    "date_of_birth",
)


@lru_cache(maxsize=16)
def _faker(locale: str) -> Faker:
    """Faker loads its providers for seconds on a busy machine; every policy is validated with the
    operators registered, so it is imported when a `fake` field is first validated, not before."""
    from faker import Faker

    return Faker(locale)


def _locales() -> list[str]:
    from faker.config import AVAILABLE_LOCALES

    return AVAILABLE_LOCALES


@lru_cache(maxsize=32)
def surrogate_pool(locale: str, provider: str, seed: int, size: int) -> pa.LargeStringArray:
    """`size` surrogates from Faker's `provider` for `locale`, reproducible from `seed`.

    >>> len(surrogate_pool("en_US", "city", 7, 5))
    5
    """
    faker = _faker(locale)
    faker.seed_instance(seed)
    generate = getattr(faker, provider)
    return pa.array([str(generate()) for _ in range(size)], pa.large_string())


def surrogates(text: pa.Array, key: Key, provider: str, locale: str, pool_size: int) -> tuple[pa.Array, int]:
    """(surrogate per value with nulls and '' kept, number of values looked up).

    >>> out, distinct = surrogates(pa.array(["Ann", "Bob", "Ann", None]), Key("k", 1, bytes(32)), "name", "en_US", 50)
    >>> out[0] == out[2], out[3].as_py(), distinct
    (True, None, 2)
    """
    normalized = normalized_text(text)
    present = present_values(normalized)
    seed = int.from_bytes(key.derive(f"fake:pool:{locale}:{provider}", 8), "big")
    pool = surrogate_pool(locale, provider, seed, pool_size)
    unique, codes = distinct_values(normalized.filter(present))
    subkey = key.derive(f"fake:choice:{provider}")
    digests = keyed_digests(unique.cast(pa.large_binary()).to_pylist(), subkey, HMAC_SHA256, 8)
    choice = (digests.copy().view(">u8").ravel() % np.uint64(pool_size)).astype(np.int64)
    picked = pool.take(pa.array(choice))
    replaced = picked if codes is None else picked.take(codes)
    return pc.replace_with_mask(normalized, present, replaced), len(unique)


class FakeOperator(Operator):
    """Realistic, key-consistent surrogates; see the module docstring for the trade-offs."""

    name = "fake"
    protects_identifiers = True

    def parameters(self) -> tuple[str, ...]:
        return (PROVIDER, LOCALE, KEY, POOL_SIZE)

    def validate(self, params: Mapping[str, Any]) -> None:
        super().validate(params)
        require(params, PROVIDER, f"the kind of surrogate, one of: {', '.join(PROVIDERS)}")
        if params[PROVIDER] not in PROVIDERS:
            raise OperatorParameterError(PROVIDER, f"{params[PROVIDER]!r} is not one of: {', '.join(PROVIDERS)}")
        locale = params.get(LOCALE, DEFAULT_LOCALE)
        if locale not in _locales():
            raise OperatorParameterError(LOCALE, f"{locale!r} is not a Faker locale (e.g. en_US, de_DE, fr_FR)")
        if not hasattr(_faker(locale), params[PROVIDER]):
            raise OperatorParameterError(PROVIDER, f"Faker has no {params[PROVIDER]!r} for locale {locale}")
        check_key_name(params, KEY)
        check_int(params, POOL_SIZE, minimum=10, maximum=1_000_000)

    def operate(self, column: pd.Series, params: Mapping[str, Any], context: OperatorContext) -> OperatorOutcome:
        self.validate(params)
        key = key_provider(context).primary(params.get(KEY, DEFAULT_KEY_NAME))
        text = text_array(column)
        pool_size = params.get(POOL_SIZE, DEFAULT_POOL_SIZE)
        faked, distinct = surrogates(text, key, params[PROVIDER], params.get(LOCALE, DEFAULT_LOCALE), pool_size)
        stats = {
            "changed": count_changed(text, faked),
            "nulls": text.null_count,
            "looked_up": distinct,
            "pool_size": pool_size,
            "key_id": key.key_id,
        }
        return OperatorOutcome(text_series(faked, column.index), stats)
