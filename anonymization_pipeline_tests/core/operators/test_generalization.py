"""Generalization primitives: intervals, top/bottom coding, rounding, dates, prefixes, hierarchy tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.operators import OperatorParameterError
from anonymization_pipeline.core.operators.generalization import (
    generalize_intervals,
    hierarchy_level,
    interval_codes,
    interval_labels,
    mask_prefix,
    round_to,
    top_bottom_code,
    truncate_dates,
)


def listed(series: pd.Series) -> list[object]:
    return [None if pd.isna(value) else value for value in series.tolist()]


@pytest.mark.parametrize(
    ("closed", "expected_codes", "expected_labels"),
    [
        ("left", [-1, 0, 0, 1, 2, 2, -1], ["[0, 18)", "[18, 65)", "[65, 120]"]),
        ("right", [-1, 0, 0, 0, 1, 2, -1], ["[0, 18]", "(18, 65]", "(65, 120]"]),
    ],
)
def test_interval_codes_and_labels_follow_the_closed_side(closed, expected_codes, expected_labels):
    values = np.array([-1, 0, 17.5, 18, 65, 120, 121])
    assert interval_codes(values, [0, 18, 65, 120], closed).tolist() == expected_codes
    assert interval_labels([0, 18, 65, 120], closed) == expected_labels


def test_generalize_intervals_labels_nulls_text_and_outliers():
    column = pd.Series([3, 40, "70", None, "n/a", 500], dtype=object)
    assert listed(generalize_intervals(column, [0, 18, 65, 120], ["child", "adult", "senior"], "unknown")) == [
        "child",
        "adult",
        "senior",
        None,
        "unknown",
        "unknown",
    ]
    assert interval_labels([0.5, 2.25]) == ["[0.5, 2.25]"]


def test_top_and_bottom_coding_replace_outliers_by_the_thresholds():
    coded, changed = top_bottom_code(pd.Series([5, 20, 1_000_000, None]), bottom=10, top=200_000)
    assert listed(coded) == [10.0, 20.0, 200_000.0, None] and changed == 2


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("nearest", [1000.0, 2000.0, 2000.0, None]),
        ("down", [1000.0, 1500.0, 2000.0, None]),
        ("up", [1500.0, 2000.0, 2000.0, None]),
    ],
)
def test_round_to_a_base(mode, expected):
    assert listed(round_to(pd.Series([1234, 1750, 2000, None]), 500, mode)) == expected


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("day", ["2024-03-15", "2023-11-02", "1899-12-31", "*", None]),
        ("month", ["2024-03", "2023-11", "1899-12", "*", None]),
        ("quarter", ["2024-Q1", "2023-Q4", "1899-Q4", "*", None]),
        ("year", ["2024", "2023", "1899", "*", None]),
        ("*", ["*", "*", "*", "*", None]),
    ],
)
def test_truncate_dates_to_each_level(unit, expected):
    column = pd.Series(["2024-03-15", "2023-11-02T23:59:59", "1899-12-31", "not a date", None])
    assert listed(truncate_dates(column, unit)) == expected


def test_truncate_dates_reads_datetime_columns_and_refuses_unknown_units():
    column = pd.Series(pd.to_datetime(["2024-05-01", None]))
    assert listed(truncate_dates(column, "quarter")) == ["2024-Q2", None]
    with pytest.raises(OperatorParameterError, match="'week' is not one of: day, month, quarter, year, \\*"):
        truncate_dates(column, "week")


@pytest.mark.parametrize(
    ("keep", "expected"), [(5, ["02139", "1", ""]), (3, ["021**", "1", ""]), (0, ["*****", "*", ""])]
)
def test_prefix_masking_keeps_the_first_characters(keep, expected):
    assert listed(mask_prefix(pd.Series(["02139", "1", ""]), keep)) == expected


def test_hierarchy_lookup_by_level_and_an_error_for_values_missing_from_the_table():
    table = pd.DataFrame([["Paris", "Île-de-France", "France", "*"], ["Lyon", "Auvergne", "France", "*"]])
    column = pd.Series(["Lyon", None, "Paris"])
    assert listed(hierarchy_level(column, table, 2)) == ["France", None, "France"]
    assert listed(hierarchy_level(column, table, 0)) == ["Lyon", None, "Paris"]
    with pytest.raises(InputDataError, match=r"^1 distinct values are not in the hierarchy$"):
        hierarchy_level(pd.Series(["Nice", "Lyon"]), table, 1)
    with pytest.raises(InputDataError, match="level 4 is not in the hierarchy"):
        hierarchy_level(column, table, 4)
