"""`bucket`: labelled intervals for a whole column; the reference tutorial's loop is the oracle."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline.core.operators import OperatorContext, OperatorParameterError, get_operator

BUCKET = get_operator("bucket")
CONTEXT = OperatorContext("income")


def tutorial_bucket(value: float, edges: list[float], labels: list[str]) -> str:
    for low, high, label in zip(edges, edges[1:], labels):
        if low <= value < high:
            return label
    return "*"


def test_buckets_match_the_per_value_loop_of_the_tutorial():
    values = np.random.default_rng(3).normal(50_000, 30_000, 5_000).round()
    edges, labels = [0, 20_000, 50_000, 100_000, 1_000_000], ["low", "middle", "upper middle", "high"]
    outcome = BUCKET.operate(pd.Series(values), {"edges": edges, "labels": labels}, CONTEXT)
    expected = [tutorial_bucket(v, edges, labels) if v != edges[-1] else "high" for v in values]
    assert outcome.column.tolist() == expected
    assert outcome.stats["out_of_range"] == expected.count("*")


def test_nulls_stay_null_and_text_is_counted_and_labelled_out_of_range():
    column = pd.Series([5, None, "12", "twelve", 99], dtype=object)
    outcome = BUCKET.operate(column, {"edges": [0, 10, 20], "out_of_range": "other"}, CONTEXT)
    assert [None if pd.isna(v) else v for v in outcome.column] == ["[0, 10)", None, "[10, 20]", "other", "other"]
    assert outcome.stats == {"changed": 4, "nulls": 1, "out_of_range": 1, "non_numeric": 1}


@pytest.mark.parametrize(
    ("params", "parameter", "reason"),
    [
        ({}, "edges", "required: the interval boundaries, e.g. [0, 18, 65, 120]"),
        ({"edges": [10]}, "edges", "must be a list of at least two numbers, got [10]"),
        ({"edges": [0, "18"]}, "edges", "must contain numbers only, got '18'"),
        ({"edges": [0, 18, 18]}, "edges", "must increase strictly, but 18 follows 18"),
        (
            {"edges": [0, 18, 65], "labels": ["young"]},
            "labels",
            "needs 2 labels (one per interval between the edges), got 1",
        ),
        ({"edges": [0, 1], "labels": [1]}, "labels", "must be a list of strings, got [1]"),
        ({"edges": [0, 1], "closed": "both"}, "closed", "'both' is not one of: left, right"),
    ],
)
def test_validate_names_the_parameter_and_the_bad_value(params, parameter, reason):
    with pytest.raises(OperatorParameterError) as raised:
        BUCKET.validate(params)
    assert (raised.value.parameter, raised.value.reason) == (parameter, reason)
