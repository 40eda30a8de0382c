"""`swap`: the multiset of values is preserved exactly; rank swaps stay within their window."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anonymization_pipeline.core.operators import OperatorContext, OperatorParameterError, get_operator

SWAP = get_operator("swap")
CONTEXT = OperatorContext("income", seed=4)


def multiset(column: pd.Series) -> list[str]:
    return sorted(map(repr, column.dropna().tolist()))


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), st.integers(-5, 5), st.text(max_size=3), st.floats(-10, 10)), max_size=40),
    method=st.sampled_from(["random", "rank"]),
    share=st.floats(0, 1),
    seed=st.integers(0, 1000),
)
def test_swap_preserves_the_multiset_and_the_null_positions(values, method, share, seed):
    column = pd.Series(values, dtype=object)
    params = {
        "method": method,
        "seed": seed,
        **({"fraction": share} if method == "random" else {"window": share * 100}),
    }
    swapped = SWAP.operate(column, params, CONTEXT).column
    assert multiset(swapped) == multiset(column)
    assert swapped.isna().tolist() == column.isna().tolist()


def test_random_swap_moves_about_the_requested_fraction():
    column = pd.Series(np.arange(10_000, dtype=float))
    outcome = SWAP.operate(column, {"fraction": 0.2, "seed": 1}, CONTEXT)
    assert 1990 <= outcome.stats["moved_rows"] <= 2000 and outcome.stats["changed"] == outcome.stats["moved_rows"]
    assert sorted(outcome.column) == list(column)


def test_rank_swap_moves_no_value_further_than_the_window():
    column = pd.Series(np.random.default_rng(2).permutation(10_000).astype(float))
    swapped = SWAP.operate(column, {"method": "rank", "window": 2, "seed": 3}, CONTEXT).column
    assert np.abs(swapped.to_numpy() - column.to_numpy()).max() <= 200
    assert (swapped != column).mean() > 0.9


def test_columns_keep_their_dtype():
    column = pd.Series([3, 1, None, 2], dtype="Int64")
    assert SWAP.operate(column, {"fraction": 1.0, "seed": 2}, CONTEXT).column.dtype == column.dtype


@pytest.mark.parametrize(
    ("params", "parameter", "reason"),
    [
        ({"fraction": 1.5}, "fraction", "must be a number from 0 to 1, got 1.5"),
        ({"method": "rank", "window": 120}, "window", "must be a number from 0 to 100, got 120"),
        ({"window": 5}, "window", "only used with method: rank"),
        ({"method": "rank", "fraction": 0.1}, "fraction", "only used with method: random"),
        ({"method": "shuffle"}, "method", "'shuffle' is not one of: random, rank"),
    ],
)
def test_validate_names_the_parameter_and_the_bad_value(params, parameter, reason):
    with pytest.raises(OperatorParameterError) as raised:
        SWAP.validate(params)
    assert (raised.value.parameter, raised.value.reason) == (parameter, reason)
