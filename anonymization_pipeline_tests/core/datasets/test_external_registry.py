"""The attacker's identified list, drawn from the same population as the users table."""

from __future__ import annotations

import pandas as pd
import pytest

from anonymization_pipeline.core.datasets.external_registry import generate_external_registry
from anonymization_pipeline.core.datasets.users import generate_users
from anonymization_pipeline.core.errors import ConfigurationError

TRUTH = "benchmark_true_user_id"


@pytest.fixture(scope="module")
def users() -> pd.DataFrame:
    return generate_users(1_000, seed=21)


def test_a_share_overlap_of_the_list_are_users_with_their_raw_values(users):
    registry = generate_external_registry(users, 0.3, seed=5)
    assert registry.columns.tolist() == ["full_name", "birth_date", "sex", "zipcode", "city", TRUTH]
    assert len(registry) == len(users)
    members = registry[registry[TRUTH].notna()]
    assert len(members) == 300 and members[TRUTH].is_unique
    joined = members.merge(users, left_on=TRUTH, right_on="user_id", suffixes=("", "_user"))
    for column in ["full_name", "birth_date", "sex", "zipcode", "city"]:
        assert (joined[column] == joined[f"{column}_user"]).all()


def test_decoys_come_from_the_same_population_but_are_not_users(users):
    registry = generate_external_registry(users, 0.3, seed=5)
    decoys = registry[registry[TRUTH].isna()]
    assert len(decoys) == 700
    people = set(zip(users["full_name"], users["birth_date"], users["zipcode"]))
    assert not any(person in people for person in zip(decoys["full_name"], decoys["birth_date"], decoys["zipcode"]))
    assert set(decoys["city"]) <= set(users["city"]) | set(generate_users(5_000, seed=99)["city"])
    assert set(decoys["sex"]) == {"F", "M"}


def test_the_list_is_deterministic_for_a_seed_and_shuffled(users):
    first = generate_external_registry(users, 0.5, seed=8)
    pd.testing.assert_frame_equal(first, generate_external_registry(users, 0.5, seed=8))
    assert not first.equals(generate_external_registry(users, 0.5, seed=9))
    assert first[TRUTH].notna().head(100).sum() not in (0, 100)


@pytest.mark.parametrize("overlap", [-0.1, 1.5])
def test_overlap_must_be_a_share(users, overlap):
    with pytest.raises(ConfigurationError, match="overlap must be between 0 and 1"):
        generate_external_registry(users, overlap, seed=1)
