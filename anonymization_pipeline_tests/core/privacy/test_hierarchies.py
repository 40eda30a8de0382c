"""Hierarchies: reading ARX tables, deriving intervals/prefixes/dates, validation errors."""

from __future__ import annotations

import numpy as np
import pytest

from anonymization_pipeline.core.datasets.adult import adult_hierarchy_path
from anonymization_pipeline.core.errors import ConfigurationError, InputDataError
from anonymization_pipeline.core.policy.model import DateHierarchy, IntervalHierarchy, PrefixHierarchy, TableHierarchy
from anonymization_pipeline.core.privacy.hierarchies import Hierarchy, derive_hierarchy, read_table_hierarchy


def test_reads_arx_table_with_one_column_per_level():
    hierarchy = read_table_hierarchy("education", TableHierarchy(table=adult_hierarchy_path("education")))

    assert hierarchy.height == 4
    assert hierarchy.table[0].tolist() == ["Bachelors", "Undergraduate", "Higher education", "*"]
    assert hierarchy.labels(3).tolist() == ["*"]
    assert len(hierarchy.labels(1)) == 5


def test_comma_separated_tables_are_read_with_their_delimiter(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("a,A,*\nb,A,*\n")

    assert read_table_hierarchy("x", TableHierarchy(table=path, delimiter=",")).table.tolist() == [["a", "A", "*"], ["b", "A", "*"]]
    assert read_table_hierarchy("x", TableHierarchy(table=path)).table.tolist() == [["a", "A", "*"], ["b", "A", "*"]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a;A;*\nb;A\n", "every row of .* needs the same number of levels"),
        ("a;A;*\na;B;*\n", r"1 value\(s\) listed more than once"),
        ("a;A;*\nb;A;Z\n", r"1 level 1 node\(s\) generalize to more than one level 2 node"),
    ],
)
def test_inconsistent_tables_are_configuration_errors(tmp_path, text, message):
    path = tmp_path / "h.csv"
    path.write_text(text)
    with pytest.raises(ConfigurationError, match=message):
        read_table_hierarchy("x", TableHierarchy(table=path))


def test_missing_table_file_names_the_path(tmp_path):
    with pytest.raises(ConfigurationError, match="hierarchy for 'x': file not found: .*nope.csv"):
        read_table_hierarchy("x", TableHierarchy.model_construct(table=tmp_path / "nope.csv", delimiter=";"))


def test_intervals_are_user_bins_then_merged_pairs_then_star():
    hierarchy = derive_hierarchy("age", IntervalHierarchy(intervals=[0, 18, 65, 80, 100]), np.array(["5", "18", "64", "100"]))

    assert hierarchy.table.tolist() == [
        ["100", "[80, 100]", "[65, 100]", "*"],
        ["18", "[18, 65)", "[0, 65)", "*"],
        ["5", "[0, 18)", "[0, 65)", "*"],
        ["64", "[18, 65)", "[0, 65)", "*"],
    ]


def test_interval_values_outside_or_not_numbers_are_counted_never_quoted():
    with pytest.raises(InputDataError, match=r"^column 'age': 2 distinct value\(s\) are outside the hierarchy's intervals \[0, 100\]$"):
        derive_hierarchy("age", IntervalHierarchy(intervals=[0, 50, 100]), np.array(["-1", "7", "120"]))
    with pytest.raises(InputDataError, match=r"^column 'age': 1 distinct value\(s\) are not numbers, which an intervals hierarchy needs$"):
        derive_hierarchy("age", IntervalHierarchy(intervals=[0, 50, 100]), np.array(["seven"]))


def test_prefixes_mask_the_rest_longest_first():
    hierarchy = derive_hierarchy("zip", PrefixHierarchy(prefix=[3, 1]), np.array(["12345", "12"]))

    assert hierarchy.table.tolist() == [["12", "12", "1*", "*"], ["12345", "123**", "1****", "*"]]


def test_dates_truncate_from_fine_to_coarse():
    hierarchy = derive_hierarchy("born", DateHierarchy(dates=["month", "quarter", "year", "*"]), np.array(["2021-05-17"]))

    assert hierarchy.table.tolist() == [["2021-05-17", "2021-05", "2021-Q2", "2021", "*"]]
    with pytest.raises(ConfigurationError, match="date levels must go from fine to coarse"):
        derive_hierarchy("born", DateHierarchy(dates=["year", "month"]), np.array(["2021-05-17"]))
    with pytest.raises(InputDataError, match="^column 'born': 1 distinct value\\(s\\) are not ISO dates, which a dates hierarchy needs$"):
        derive_hierarchy("born", DateHierarchy(), np.array(["yesterday"]))


def test_missing_row_goes_to_star_unless_the_table_lists_one():
    hierarchy = Hierarchy.from_rows("x", [["a", "A", "*"]])

    assert hierarchy.with_missing_row().table.tolist() == [["a", "A", "*"], ["", "*", "*"]]
    listed = Hierarchy.from_rows("x", [["a", "A", "*"], ["", "unknown", "*"]])
    assert listed.with_missing_row() is listed


def test_derived_hierarchies_cover_new_values_and_tables_do_not():
    derived = derive_hierarchy("age", IntervalHierarchy(intervals=[0, 50, 100]), np.array(["7"]))
    table = Hierarchy.from_rows("x", [["a", "*"]])

    assert derived.covering(np.array(["70"])).table.tolist() == [["7", "[0, 50)", "*"], ["70", "[50, 100]", "*"]]
    assert table.covering(np.array(["b"])) is table


def test_a_date_column_with_mixed_time_zones_generalizes():
    """Finding 8: mixed offsets in one column ended in a pandas traceback (exit 3)."""
    hierarchy = derive_hierarchy(
        "born", DateHierarchy(dates=["year", "*"]), np.array(["2021-05-17T10:00:00+02:00", "2020-01-01T00:00:00Z", "2019-03-03"])
    )
    assert sorted(row[1] for row in hierarchy.table.tolist()) == ["2019", "2020", "2021"]
