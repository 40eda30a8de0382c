"""Encoding columns to hierarchy codes and rows to distinct tuples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.privacy.encoding import column_strings, column_text, distinct_strings, encode_column, encode_table, natural_order
from anonymization_pipeline.core.privacy.hierarchies import Hierarchy

SEX = Hierarchy.from_rows("sex", [["Male", "*"], ["Female", "*"]])


def test_column_strings_turns_numbers_into_text_and_gaps_into_nulls():
    assert column_strings(pd.Series([39, 40])).to_pylist() == ["39", "40"]
    assert column_strings(pd.Series([39.0, np.nan, 1.5])).to_pylist() == ["39", None, "1.5"]
    assert column_strings(pd.Series(["a", None, ""], dtype="str")).to_pylist() == ["a", None, None]
    assert column_strings(pd.Series(["a", 3, None], dtype=object)).to_pylist() == ["a", "3", None]
    assert column_strings(pd.Series(pd.to_datetime(["2020-01-02", None]))).to_pylist() == ["2020-01-02", None]
    assert sorted(distinct_strings(column_strings(pd.Series(["b", "a", None, "b"])))) == ["a", "b"]
    assert column_text(pd.Series([39.0, None])).tolist() == ["39", ""]


def test_missing_values_get_a_code_of_their_own():
    hierarchy, codes = encode_column(pd.Series(["Female", None, "Male", np.nan]), SEX)

    assert codes.tolist() == [1, 2, 0, 2]
    assert hierarchy.table[2].tolist() == ["", "*"]


def test_values_missing_from_the_hierarchy_are_listed_first_five():
    values = pd.Series(["Male", "x1", "x2", "x3", "x4", "x5", "x6", "x1"])
    with pytest.raises(InputDataError, match=r"^column 'sex': 6 distinct value\(s\) in \d+ row\(s\) are not in its hierarchy; add them to the hierarchy$"):
        encode_column(values, SEX)


def test_natural_order_is_numeric_when_possible_with_missing_last():
    assert natural_order(np.array(["10", "9", "", "100"], dtype=object)).tolist() == ["9", "10", "100", ""]
    assert natural_order(np.array(["b", "a", "10"], dtype=object)).tolist() == ["10", "a", "b"]


def test_rows_become_distinct_tuples_with_counts_and_sensitive_pairs():
    frame = pd.DataFrame({"sex": ["Male", "Female", "Male", "Male"], "s": ["x", "y", "x", "z"]})
    table = encode_table(frame, {"sex": SEX}, ["sex"], {"s": None})

    assert table.tuples == 2
    assert table.tuple_counts[table.row_tuple].tolist() == [3, 1, 3, 3]
    pairs, labels = table.sensitive_pairs["s"], table.sensitive["s"].labels
    assert sorted(zip(pairs.cls.tolist(), labels[pairs.value].tolist(), pairs.count.tolist())) == sorted(
        [(int(table.row_tuple[0]), "x", 2), (int(table.row_tuple[0]), "z", 1), (int(table.row_tuple[1]), "y", 1)]
    )


def test_missing_policy_columns_are_an_input_error():
    with pytest.raises(InputDataError, match="no column\\(s\\) 'age'"):
        encode_table(pd.DataFrame({"sex": ["Male"]}), {"sex": SEX}, ["sex", "age"], {})
