"""`round`, `top_bottom_code`, `truncate_date` as operators: outputs, dtypes, stats, validation."""

from __future__ import annotations

import pandas as pd
import pytest

from anonymization_pipeline.core.operators import OperatorContext, OperatorParameterError, get_operator

CONTEXT = OperatorContext("value")


def test_round_keeps_integer_columns_integer_and_nulls_text_out():
    outcome = get_operator("round").operate(pd.Series([1234, 1750, 2000]), {"base": 500}, CONTEXT)
    assert outcome.column.tolist() == [1000, 2000, 2000] and str(outcome.column.dtype) == "Int64"
    assert outcome.stats == {"changed": 2, "nulls": 0, "non_numeric": 0}
    mixed = get_operator("round").operate(
        pd.Series([12.5, "x", None], dtype=object), {"base": 0.5, "mode": "down"}, CONTEXT
    )
    assert mixed.column.tolist()[0] == 12.5 and mixed.column.isna().tolist() == [False, True, True]
    assert mixed.stats == {"changed": 1, "nulls": 1, "non_numeric": 1}


def test_top_bottom_code_caps_outliers():
    outcome = get_operator("top_bottom_code").operate(
        pd.Series([5, 50, 900_000]), {"top": 250_000, "bottom": 10}, CONTEXT
    )
    assert outcome.column.tolist() == [10, 50, 250_000]
    assert outcome.stats["changed"] == 2


def test_truncate_date_counts_and_nulls_unparseable_dates():
    outcome = get_operator("truncate_date").operate(
        pd.Series(["2024-03-15", "15/03/2024", None]), {"unit": "month"}, CONTEXT
    )
    assert outcome.column.tolist()[0] == "2024-03" and outcome.column.isna().tolist() == [False, True, True]
    assert outcome.stats == {"changed": 2, "nulls": 1, "unparseable": 1}


@pytest.mark.parametrize(
    ("name", "params", "parameter", "reason"),
    [
        ("round", {}, "base", "required: the multiple to round to, e.g. 1000"),
        ("round", {"base": 0}, "base", "must be a number > 0, got 0"),
        ("round", {"base": 10, "mode": "half_up"}, "mode", "'half_up' is not one of: nearest, down, up"),
        ("top_bottom_code", {}, "top", "give 'top', 'bottom' or both"),
        ("top_bottom_code", {"top": 10, "bottom": 10}, "bottom", "must be below top (10), got 10"),
        ("top_bottom_code", {"top": float("inf")}, "top", "must be a number, got inf"),
        ("truncate_date", {"unit": "week"}, "unit", "'week' is not one of: day, month, quarter, year"),
    ],
)
def test_validate_names_the_parameter_and_the_bad_value(name, params, parameter, reason):
    with pytest.raises(OperatorParameterError) as raised:
        get_operator(name).validate(params)
    assert (raised.value.parameter, raised.value.reason) == (parameter, reason)
