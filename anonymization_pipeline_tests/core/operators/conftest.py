"""Keys and contexts shared by the operator tests: fixed key bytes, so expected tokens are stable."""

from __future__ import annotations

import pandas as pd
import pytest

from anonymization_pipeline.core.keys import KeyProvider
from anonymization_pipeline.core.operators import OperatorContext

KEY_BYTES = bytes(range(32))
OTHER_KEY_BYTES = bytes(range(100, 132))


@pytest.fixture
def keys() -> KeyProvider:
    return KeyProvider.from_keys({"default": KEY_BYTES, "pii": KEY_BYTES, "vault": OTHER_KEY_BYTES})


@pytest.fixture
def context(keys: KeyProvider) -> OperatorContext:
    return OperatorContext(field="column", keys=keys, seed=11)


def strings(*values: object) -> pd.Series:
    """A pandas `str` column (pandas 3's default for text), None becoming missing."""
    return pd.Series(list(values), dtype="str")
