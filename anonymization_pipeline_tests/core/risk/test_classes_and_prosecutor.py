"""Equivalence classes and the prosecutor model on tables small enough to count by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anonymization_pipeline.core.privacy.grouping import combine_codes, group_keys
from anonymization_pipeline.core.risk.classes import published_classes
from anonymization_pipeline.core.risk.prosecutor import prosecutor_risk, records_by_risk_band


def sized_table(sizes: list[int]) -> pd.DataFrame:
    """One class per entry of `sizes`, classes told apart by the pair (a, b)."""
    rows = [(f"a{i % 2}", f"b{i}") for i, size in enumerate(sizes) for _ in range(size)]
    return pd.DataFrame(rows, columns=["a", "b"])


def test_classes_have_the_sizes_they_were_built_with():
    classes = published_classes(sized_table([1, 2, 5, 10]), ["a", "b"])
    assert sorted(classes.sizes.tolist()) == [1, 2, 5, 10]
    assert classes.suppressed_rows == 0
    assert classes.rows == 18


def test_rows_with_every_quasi_identifier_suppressed_are_left_out():
    frame = pd.DataFrame({"a": ["x", "x", "*", "*", "*"], "b": ["1", "1", "*", "*", "2"]})
    classes = published_classes(frame, ["a", "b"])
    assert classes.suppressed_rows == 2
    assert classes.row_class.tolist()[2:4] == [-1, -1]
    assert sorted(classes.sizes.tolist()) == [1, 2]


def test_a_table_that_is_all_stars_is_one_class_not_suppressed():
    classes = published_classes(pd.DataFrame({"a": ["*"] * 3}), ["a"])
    assert classes.sizes.tolist() == [3]
    assert classes.suppressed_rows == 0


def test_missing_values_are_a_value_of_their_own():
    frame = pd.DataFrame({"a": [None, None, "x"], "b": [None, None, None]})
    assert sorted(published_classes(frame, ["a", "b"]).sizes.tolist()) == [1, 2]


def test_keys_stay_exact_when_the_radix_would_overflow():
    rng = np.random.default_rng(3)
    codes = [rng.integers(0, 60_000, 5_000) for _ in range(6)]
    key, space = combine_codes(codes, [60_000] * 6, 5_000)
    keys = group_keys(key, space).class_of
    expected = pd.DataFrame(np.column_stack(codes)).groupby(list(range(6))).ngroup().to_numpy()
    assert len(np.unique(keys)) == len(np.unique(expected))
    assert (pd.crosstab(keys, expected).gt(0).sum(axis=1) == 1).all()


def test_prosecutor_figures_on_a_hand_counted_table():
    figures = prosecutor_risk(np.array([1, 2, 5, 10]), 0.2)
    assert figures["highest_risk"] == 1.0
    assert figures["average_risk"] == pytest.approx(4 / 18)
    assert figures["records_at_risk"] == pytest.approx(3 / 18)
    assert figures["records_at_risk_by_threshold"] == pytest.approx({"0.2": 3 / 18, "0.1": 8 / 18, "0.05": 18 / 18})
    assert figures["sample_uniques"] == 1


def test_a_class_of_exactly_1_over_threshold_is_not_at_risk():
    assert prosecutor_risk(np.array([5, 5]), 0.2)["records_at_risk"] == 0.0
    assert prosecutor_risk(np.array([10, 10]), 0.1)["records_at_risk"] == 0.0


def test_risk_bands_count_records():
    bands = records_by_risk_band(np.array([1, 2, 3, 5, 10, 200]))
    assert bands == {"(0.5, 1]": 1, "(0.2, 0.5]": 5, "(0.1, 0.2]": 5, "(0.05, 0.1]": 10, "(0.01, 0.05]": 0, "[0, 0.01]": 200}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "*", None]), st.sampled_from(["1", "2", "*"])), min_size=1, max_size=40))
def test_classes_agree_with_a_pandas_groupby(rows):
    frame = pd.DataFrame(rows, columns=["x", "y"], dtype=object)
    classes = published_classes(frame, ["x", "y"])
    stars = (frame["x"] == "*") & (frame["y"] == "*")
    kept = frame[~stars] if not stars.all() else frame
    expected = sorted(kept.fillna("<NA>").groupby(["x", "y"]).size().tolist())
    assert sorted(classes.sizes.tolist()) == expected
    assert classes.suppressed_rows == (int(stars.sum()) if not stars.all() else 0)
