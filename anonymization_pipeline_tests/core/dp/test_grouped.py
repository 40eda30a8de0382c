"""Sums and means per group: exact totals with the noise taken out, the sensitivity under the
contribution bound, and groups selected privately."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline.core.dp import queries
from anonymization_pipeline.core.dp.mechanisms import NoisyIntegers, SelectedCounts
from anonymization_pipeline.core.policy.aggregates import MeanQuery, SumQuery

FRAME = pd.DataFrame(
    {
        "city": ["a", "a", "b", "b", "b", "c", None, "a"],
        "amount": [10.0, 150.0, 5.0, np.nan, 7.5, 40.0, 99.0, -3.0],
    }
)


@pytest.fixture
def no_noise(monkeypatch):
    """The seam: the mechanisms return their exact input, so the arithmetic around them is visible."""
    monkeypatch.setattr(queries, "noisy_integers", lambda exact, *_: NoisyIntegers(np.asarray(exact), 0))
    monkeypatch.setattr(
        queries, "select_and_count", lambda exact, *_: SelectedCounts({k: v for k, v in exact.items() if v >= 2}, 0, 2)
    )


def released(rows) -> dict[tuple, float]:
    return {tuple(row.by.values()): row.value for row in rows}


def test_sums_per_declared_key_are_the_clamped_totals_zeros_included(no_noise):
    query = SumQuery(name="s", kind="sum", column="amount", bounds=(0, 100), by=["city"], keys={"city": ["a", "b", "z"]}, epsilon=1)
    assert released(queries.release_sum(FRAME, query, 2)) == {("a",): 110.0, ("b",): 12.5, ("z",): 0.0}


def test_means_per_declared_key_count_only_numbers(no_noise):
    query = MeanQuery(name="m", kind="mean", column="amount", bounds=(0, 100), by=["city"], keys={"city": ["a", "b"]}, epsilon=1)
    assert released(queries.release_mean(FRAME, query, 2)) == pytest.approx({("a",): 110 / 3, ("b",): 6.25})


def test_privately_selected_groups_release_only_those_that_pass(no_noise):
    query = SumQuery(name="s", kind="sum", column="amount", bounds=(0, 100), by=["city"], epsilon=1, delta=1e-6)
    assert released(queries.release_sum(FRAME, query, 2)) == {("a",): 110.0, ("b",): 12.5}
    mean = MeanQuery(name="m", kind="mean", column="amount", bounds=(0, 100), by=["city"], epsilon=1, delta=1e-6)
    assert released(queries.release_mean(FRAME, mean, 2)) == pytest.approx({("a",): 110 / 3, ("b",): 6.25})


def test_a_group_sum_has_the_sensitivity_of_the_whole_sum():
    """One person's max_rows rows can all fall in one group: the vector of group sums moves by
    max_rows × the larger bound, no more and no less, so its interval is the single sum's."""
    grouped = SumQuery(name="s", kind="sum", column="amount", bounds=(-50, 100), by=["city"], keys={"city": ["a", "b"]}, epsilon=0.5)
    whole = SumQuery(name="t", kind="sum", column="amount", bounds=(-50, 100), epsilon=0.5)
    [total] = queries.release_sum(FRAME, whole, 3)
    widths = [row.ci_high - row.value for row in queries.release_sum(FRAME, grouped, 3)]
    assert widths == [total.ci_high - total.value] * 2
    assert total.ci_high - total.value == pytest.approx(3 * 100 / 0.5 * np.log(1 / 0.05), rel=0.02)


def test_selected_groups_with_real_noise_release_the_crowded_and_hide_the_lonely():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"city": ["big"] * 5000 + ["lonely"], "amount": np.r_[rng.uniform(0, 100, 5000), 50.0]})
    query = SumQuery(name="s", kind="sum", column="amount", bounds=(0, 100), by=["city"], epsilon=2, delta=1e-6)
    [row] = queries.release_sum(frame, query, 1)
    assert row.by == {"city": "big"}
    assert row.ci_low - 300 <= frame["amount"].iloc[:5000].sum() <= row.ci_high + 300


@pytest.mark.parametrize("rows", [3, 40])  # few rows next to the 27 combinations: sorting; many: counting
def test_present_groups_name_each_row_s_combination(rows):
    frame = pd.DataFrame({"x": ["p", "q", "r"] * (rows // 3), "y": ["1", "2", "3"] * (rows // 3), "z": ["u", "v", "w"] * (rows // 3)})
    groups = queries.present_groups(frame, ["x", "y", "z"], {})
    assert [groups.names[code] for code in groups.codes] == list(frame.itertuples(index=False, name=None))
    assert sorted(groups.names) == [("p", "1", "u"), ("q", "2", "v"), ("r", "3", "w")]
