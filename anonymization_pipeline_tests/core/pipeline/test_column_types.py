"""Kept integer columns come out as integers, CSV to Parquet, and only when that is lossless."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from anonymization_pipeline.core.io import parse_location, read_table, write_table
from anonymization_pipeline.core.pipeline.column_types import restore_integer_columns
from anonymization_pipeline.core.policy import validate_policy

POLICY = validate_policy(
    {
        "version": 1,
        "dataset": {"name": "d", "input": {"format": "csv", "path": "/i.csv"}, "output": {"format": "csv", "path": "/o.csv"}},
        "fields": {
            "count": {"class": "non_sensitive", "method": "keep"},
            "code": {"class": "non_sensitive", "method": "keep"},
            "email": {"class": "direct_identifier", "method": "redact"},
        },
    }
)


def test_a_kept_integer_column_is_an_integer_in_parquet_and_text_that_would_change_stays_text(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("count,code,email\n3,007,a@b.c\n,12,d@e.f\n-40,1.0,g@h.i\n")
    frame = read_table(parse_location(str(source)))
    target = tmp_path / "out.parquet"

    write_table(restore_integer_columns(frame, POLICY), parse_location(str(target)))

    published = pd.read_parquet(target)
    assert str(published["count"].dtype) == "Int64" and published["count"].tolist()[0::2] == [3, -40]
    assert published["count"].isna().tolist() == [False, True, False]
    assert published["code"].tolist() == ["007", "12", "1.0"]
    assert published["email"].tolist() == ["a@b.c", "d@e.f", "g@h.i"], "only kept columns are typed"


@given(st.lists(st.one_of(st.none(), st.integers(-(10**17), 10**17)), min_size=1))
def test_conversion_is_lossless(values):
    text = pd.Series([None if v is None else str(v) for v in values], dtype="str")
    restored = restore_integer_columns(pd.DataFrame({"count": text, "code": text, "email": text}), POLICY)
    if all(v is None for v in values):
        assert restored["count"].isna().all()
    else:
        assert [None if pd.isna(v) else int(v) for v in restored["count"]] == values


@pytest.mark.parametrize("text", ["+3", "03", "1e3", " 4", "99999999999999999999"])
def test_text_that_would_not_print_back_the_same_is_left_alone(text):
    restored = restore_integer_columns(pd.DataFrame({"count": [text], "code": ["1"], "email": ["x"]}), POLICY)
    assert restored["count"].tolist() == [text]
