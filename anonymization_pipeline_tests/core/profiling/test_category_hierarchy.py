"""Frequency-grouped hierarchy tables for categorical quasi-identifiers."""

from __future__ import annotations

import pandas as pd
import pytest

from anonymization_pipeline.core.profiling.category_hierarchy import (
    MAX_CATEGORIES,
    OTHER,
    category_counts,
    frequency_rows,
    write_tables,
)


def rows_of(column: pd.Series) -> list[list[str]] | None:
    return frequency_rows(category_counts([column.to_frame("c")], ["c"])["c"])


def test_rare_values_are_grouped_and_frequent_ones_kept():
    column = pd.Series(["nurse"] * 40 + ["teacher"] * 30 + ["pilot"] * 2 + ["judge"] * 1 + [None] * 5)
    assert rows_of(column) == [
        ["nurse", "nurse", "*"], ["teacher", "teacher", "*"], ["pilot", OTHER, "*"], ["judge", OTHER, "*"]
    ]


def test_without_rare_values_the_two_least_frequent_are_grouped():
    rows = rows_of(pd.Series(["a"] * 40 + ["b"] * 35 + ["c"] * 25))
    assert [row[1] for row in rows] == ["a", OTHER, OTHER]


@pytest.mark.parametrize(
    "column",
    [
        pd.Series([1, 2, 3, 4] * 10),
        pd.Series(["x", "y"] * 10),
        pd.Series([f"v{i}" for i in range(500)]),
        pd.Series(["a;b", "c", "d"] * 5),
        pd.Series([" padded", "c", "d"] * 5),
    ],
    ids=["numbers", "two values", "too many", "delimiter", "spaces"],
)
def test_no_table_where_a_table_cannot_hold_the_values(column):
    assert rows_of(column) is None


def test_values_are_counted_over_every_batch_and_too_many_stop_the_count():
    first, second = pd.DataFrame({"c": ["a"] * 10 + ["b"] * 5}), pd.DataFrame({"c": ["b"] * 20 + ["z"]})
    assert category_counts([first, second], ["c"])["c"].to_dict() == {"a": 10, "b": 25, "z": 1}
    many = pd.DataFrame({"c": [f"v{i}" for i in range(MAX_CATEGORIES + 1)]})
    assert category_counts([first, many], ["c"])["c"] is None


def test_tables_are_written_beside_the_policy_with_relative_paths(tmp_path):
    policy = tmp_path / "p" / "adult.yaml"
    written = write_tables({"occupation/main": [["a", "a", "*"], ["b", OTHER, "*"]]}, policy)
    assert written == {"occupation/main": "adult_hierarchies/000_occupation_main.csv"}
    assert (policy.parent / written["occupation/main"]).read_text() == f"a;a;*\nb;{OTHER};*\n"
