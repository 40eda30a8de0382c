"""An identified outside list (like a voter list) drawn from the same population as a users table.

It is what the attacker of the reference scenario holds: a name plus the raw quasi-identifiers.
A share `overlap` of the users are on it; the rest of the list are decoys, people generated from
the same population who are not in the users table. The list has as many rows as the users table.

The hidden truth (which user a row is) is kept in the column `benchmark_true_user_id`, for
benchmarks and tests that score the attack: it is never a published column and never joined on.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from anonymization_pipeline.core.datasets.users import generate_users
from anonymization_pipeline.core.errors import ConfigurationError, InputDataError
from anonymization_pipeline.core.risk.attack import TRUTH_COLUMN

NAME = "full_name"
REGISTRY_QUASI_IDENTIFIERS = ("birth_date", "sex", "zipcode", "city")


def _decoy_seed(seed: int) -> int:
    """A seed for the decoys' population, far from any seed a caller would pick for the users."""
    return int.from_bytes(hashlib.sha256(f"external-registry-decoys:{seed}".encode()).digest()[:4], "big")


def generate_external_registry(users: pd.DataFrame, overlap: float, seed: int) -> pd.DataFrame:
    """Name and raw quasi-identifiers of `overlap` of the users, plus decoys, shuffled.

    >>> users = generate_users(200, seed=1)  # doctest: +SKIP
    >>> registry = generate_external_registry(users, 0.5, seed=2)  # doctest: +SKIP
    >>> int(registry["benchmark_true_user_id"].notna().sum())  # doctest: +SKIP
    100
    """
    if not 0.0 <= overlap <= 1.0:
        raise ConfigurationError(f"overlap must be between 0 and 1, not {overlap:g}")
    for name in (NAME, "user_id"):
        if name not in users.columns:
            raise InputDataError(f"the users table has no column {name!r}")
    columns = [NAME] + [name for name in REGISTRY_QUASI_IDENTIFIERS if name in users.columns]
    rng = np.random.default_rng(seed)
    members = int(round(overlap * len(users)))
    chosen = np.sort(rng.choice(len(users), size=members, replace=False))
    listed = users.iloc[chosen][columns].copy()
    listed[TRUTH_COLUMN] = users["user_id"].iloc[chosen].astype("string").to_numpy()
    decoy_count = len(users) - members
    decoys = generate_users(decoy_count, seed=_decoy_seed(seed))[columns].copy() if decoy_count else listed.iloc[:0].copy()
    decoys[TRUTH_COLUMN] = pd.array([pd.NA] * len(decoys), dtype="string")
    registry = pd.concat([listed, decoys], ignore_index=True)
    return registry.iloc[rng.permutation(len(registry))].reset_index(drop=True)
