"""Kinds of columns, and values written back in the column's own form."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline.core.synthetic.columns import read_column, write_column


@pytest.mark.parametrize(
    ("values", "kind", "integer"),
    [
        (pd.Series(["39", "50", None, "17"], dtype="str"), "number", True),
        (pd.Series(["1.5", "2", "3e2"], dtype="str"), "number", False),
        (pd.Series(["02134", "10001", "60601"], dtype="str"), "category", False),
        (pd.Series(["2020-01-31", None, "1999-12-01"], dtype="str"), "date", True),
        (pd.Series(["Male", "Female", None], dtype="str"), "category", False),
        (pd.Series([1, 2, 3], dtype="int64"), "number", True),
        (pd.Series([1.0, np.nan, 3.0]), "number", True),
        (pd.Series([1.25, np.nan, 3.0]), "number", False),
        (pd.Series([True, False, True]), "category", False),
        (pd.Series(pd.to_datetime(["2020-01-01", None, "2021-06-30"])), "date", True),
        (pd.Series([None, None], dtype="str"), "category", False),
    ],
)
def test_the_kind_of_a_column_is_read_from_its_values(values, kind, integer):
    read = read_column(values.rename("c"))
    assert (read.kind, read.integer) == (kind, integer)
    assert read.missing.tolist() == values.isna().tolist()


def test_dates_are_days_since_1970_and_numbers_from_text_are_parsed_per_value():
    dates = read_column(pd.Series(["1970-01-02", "1970-01-01", None], dtype="str", name="d"))
    assert dates.numbers[:2].tolist() == [1.0, 0.0] and np.isnan(dates.numbers[2])
    ages = read_column(pd.Series(["39", "39", "7"], dtype="str", name="age"))
    assert ages.numbers.tolist() == [39.0, 39.0, 7.0]


@pytest.mark.parametrize(
    "series",
    [
        pd.Series(["39", None, "17"], dtype="str", name="c"),
        pd.Series([5, 7, 9], dtype="int64", name="c"),
        pd.Series([5, None, 9], dtype="Int64", name="c"),
        pd.Series([0.5, np.nan, 2.25], name="c"),
        pd.Series(["2020-01-31", None], dtype="str", name="c"),
        pd.Series(pd.to_datetime(["2020-01-01", None]), name="c"),
        pd.Series(pd.to_datetime(["2020-01-01", "2020-03-01"]).tz_localize("Europe/Paris"), name="c"),
        pd.Series(["a", None, "b"], dtype="str", name="c"),
    ],
)
def test_values_written_back_keep_the_dtype_and_the_nulls(series):
    read = read_column(series)
    missing = series.isna().to_numpy()
    written = write_column(read, read.numbers, series if read.kind == "category" else None, missing)
    assert written.dtype == series.dtype or (str(series.dtype) == "int64" and str(written.dtype) == "int64")
    assert written.isna().tolist() == missing.tolist()
    assert written.astype(str)[~missing].tolist() == series.astype(str)[~missing].tolist()
