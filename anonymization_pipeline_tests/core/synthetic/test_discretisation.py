"""Codes for the model and values back: every drawn value lies in its code's bin."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from anonymization_pipeline.core.synthetic.columns import read_column
from anonymization_pipeline.core.synthetic.discretisation import discretise, undiscretise


def test_categories_keep_one_code_each_and_null_is_the_last_code():
    column = discretise(read_column(pd.Series(["b", None, "a", "b"], dtype="str", name="c")), 20, "observed")
    assert column.codes.tolist() == [1, 2, 0, 1]
    assert (column.cardinality, column.null_code) == (3, 2)
    back = undiscretise(column, np.array([0, 1, 2]), np.random.default_rng(0))
    assert back.tolist()[:2] == ["a", "b"] and pd.isna(back.iloc[2])
    assert back.dtype == "str"


def test_few_distinct_numbers_are_reproduced_exactly_and_stay_integers():
    series = pd.Series([3, 5, 5, 9], dtype="int64", name="n")
    column = discretise(read_column(series), 20, "observed")
    drawn = undiscretise(column, column.codes, np.random.default_rng(1))
    assert drawn.tolist() == [3, 5, 5, 9] and drawn.dtype == "int64"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=30, max_size=200),
    st.sampled_from(["observed", "uniform"]),
    st.integers(2, 12),
)
def test_a_drawn_number_lies_within_the_bin_of_its_code(values, within, max_bins):
    series = pd.Series(values, name="x")
    column = discretise(read_column(series), max_bins, within)
    assert column.codes.max() < column.cardinality
    drawn = undiscretise(column, column.codes, np.random.default_rng(2)).to_numpy()
    table = column.quantiles
    low, high = table[column.codes, 0], table[column.codes, -1]
    assert np.all((drawn >= low - 1e-6 * (1 + abs(low))) & (drawn <= high + 1e-6 * (1 + abs(high))))
    recoded = discretise(read_column(pd.Series(drawn, name="x")), max_bins, within)
    assert recoded.cardinality <= max_bins + 1


def test_observed_bins_follow_the_quantiles_and_a_bin_draws_from_its_own_values():
    rng = np.random.default_rng(3)
    values = pd.Series(np.concatenate([rng.normal(0, 1, 5000), rng.normal(100, 1, 5000)]), name="x")
    column = discretise(read_column(values), 10, "observed")
    assert np.bincount(column.codes).tolist() == [1000] * 10
    drawn = undiscretise(column, np.full(1000, 4), rng).to_numpy()
    in_bin = np.sort(values.to_numpy())[4000:5000]
    assert in_bin.min() <= drawn.min() and drawn.max() <= in_bin.max()


def test_integers_in_text_come_back_as_integer_text_and_dates_as_dates():
    ages = pd.Series([str(a) for a in range(17, 91)] * 3, dtype="str", name="age")
    column = discretise(read_column(ages), 8, "observed")
    drawn = undiscretise(column, column.codes, np.random.default_rng(4))
    assert drawn.dtype == "str" and drawn.str.fullmatch(r"\d+").all()
    assert drawn.astype(int).between(17, 90).all()
    dates = pd.Series(pd.date_range("2000-01-01", periods=400, freq="D"), name="d")
    column = discretise(read_column(dates), 5, "uniform")
    drawn = undiscretise(column, column.codes, np.random.default_rng(5))
    assert drawn.dtype == dates.dtype and (drawn == drawn.dt.normalize()).all()
    assert drawn.between(dates.min(), dates.max()).all()
