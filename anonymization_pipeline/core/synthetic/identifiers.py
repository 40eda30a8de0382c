"""Direct identifiers are never modelled: a `fake` one is regenerated from the fake operator's
surrogate pool (drawn at random, since a synthetic row stands for nobody), any other is dropped."""

from __future__ import annotations

import numpy as np
import pandas as pd

from anonymization_pipeline.core.operators.fake import DEFAULT_LOCALE, DEFAULT_POOL_SIZE, LOCALE, POOL_SIZE, PROVIDER, surrogate_pool
from anonymization_pipeline.core.policy import FieldClass, Policy

FAKE = "fake"


def identifier_treatment(policy: Policy) -> dict[str, str]:
    """`regenerated` or `dropped` for each direct identifier of the policy."""
    return {
        name: "regenerated" if policy.fields[name].effective_method == FAKE else "dropped"
        for name in policy.fields_of(FieldClass.DIRECT_IDENTIFIER)
    }


def regenerate(policy: Policy, names: list[str], rows: int, rng: np.random.Generator) -> dict[str, pd.Series]:
    """A fresh surrogate per synthetic row for each of `names` (fake identifiers)."""
    columns = {}
    for name in names:
        params = policy.fields[name].params
        pool_size = params.get(POOL_SIZE, DEFAULT_POOL_SIZE)
        seed = int(rng.integers(0, 2**63 - 1))
        pool = surrogate_pool(params.get(LOCALE, DEFAULT_LOCALE), params[PROVIDER], seed, pool_size)
        picked = pool.take(rng.integers(0, pool_size, rows))
        columns[name] = pd.Series(picked.to_numpy(zero_copy_only=False), dtype="str", name=name)
    return columns
