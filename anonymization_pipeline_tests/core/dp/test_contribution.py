"""Contribution bounding: at most max_rows rows per person, chosen from that person's rows alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from anonymization_pipeline.core.dp.contribution import bound_contributions


def visits(units: list[str], values: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"user": units, "amount": values})


def test_each_unit_keeps_at_most_max_rows_and_the_cut_is_counted():
    frame = visits(["a"] * 7 + ["b"] * 2 + ["c"], list(range(10)))
    bounded = bound_contributions(frame, "user", 3, seed=0)
    assert bounded.frame["user"].value_counts().to_dict() == {"a": 3, "b": 2, "c": 1}
    assert bounded.rows_truncated == 4 and bounded.units == 3


def test_nothing_is_cut_when_every_unit_is_within_the_bound():
    frame = visits(["a", "b", "a"], [1, 2, 3])
    bounded = bound_contributions(frame, "user", 2, seed=0)
    assert bounded.frame is frame and bounded.rows_truncated == 0


def test_rows_without_a_unit_are_each_their_own_person():
    frame = pd.DataFrame({"user": [None, None, None, "a", "a"], "amount": [1, 2, 3, 4, 5]})
    bounded = bound_contributions(frame, "user", 1, seed=0)
    assert len(bounded.frame) == 4 and bounded.units == 4


def test_the_choice_is_deterministic_and_depends_on_the_seed():
    frame = visits(["a"] * 50, list(range(50)))
    first = bound_contributions(frame, "user", 5, seed=1).frame["amount"].tolist()
    assert bound_contributions(frame, "user", 5, seed=1).frame["amount"].tolist() == first
    assert bound_contributions(frame, "user", 5, seed=2).frame["amount"].tolist() != first


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(st.sampled_from("abcdef"), st.integers(0, 30)), min_size=1, max_size=80),
    max_rows=st.integers(1, 4),
    removed=st.sampled_from("abcdef"),
)
def test_removing_one_person_changes_at_most_max_rows_rows(rows, max_rows, removed):
    """The stability the sensitivities rely on: the other people keep exactly the same rows,
    whatever the row order, so the bounded tables differ by the removed person's rows only."""
    frame = visits([unit for unit, _ in rows], [value for _, value in rows])
    without = frame[frame["user"] != removed].sample(frac=1, random_state=3)
    kept = bound_contributions(frame, "user", max_rows, seed=9).frame
    kept_without = bound_contributions(without, "user", max_rows, seed=9).frame
    assert kept.groupby("user").size().max() <= max_rows
    others = kept[kept["user"] != removed]
    as_multiset = lambda table: sorted(map(tuple, table[["user", "amount"]].to_numpy().tolist()))  # noqa: E731
    assert as_multiset(others) == as_multiset(kept_without)
    assert len(kept) - len(kept_without) <= max_rows



def test_many_units_each_keep_exactly_min_of_their_rows_and_max_rows_whatever_else_is_there():
    """100,000 people (more than 2^16, so the packed sort key gives the unit 17 of its 64 bits):
    each keeps min(rows, max_rows) rows, and the same rows with half the other people gone."""
    rng = np.random.default_rng(5)
    units = rng.integers(0, 100_000, 400_000)
    frame = pd.DataFrame({"user": units, "city": rng.choice(["x", "y", "z"], len(units)), "amount": rng.integers(0, 1000, len(units))})
    frame = frame.astype({"city": "category"})
    kept = bound_contributions(frame, "user", 3, seed=4).frame
    expected = np.minimum(np.bincount(units, minlength=100_000), 3)
    assert np.array_equal(np.bincount(kept["user"].to_numpy(), minlength=100_000), expected)
    half = bound_contributions(frame[frame["user"] % 2 == 0], "user", 3, seed=4).frame
    as_rows = lambda table: sorted(table.astype({"city": str}).itertuples(index=False, name=None))  # noqa: E731
    assert as_rows(kept[kept["user"] % 2 == 0]) == as_rows(half)
