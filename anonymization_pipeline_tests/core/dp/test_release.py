"""One release end to end: the long table, what the ledger records, and what bad input leaves behind."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline.core.dp import BudgetExhausted, BudgetLedger, release_aggregates
from anonymization_pipeline.core.dp.queries import fixed_point_step, histogram_labels
from anonymization_pipeline.core.dp.release import release_table, table_digest
from anonymization_pipeline.core.errors import ConfigurationError, InputDataError
from anonymization_pipeline.core.policy import load_policy
from anonymization_pipeline.core.policy.aggregates import Aggregates
from anonymization_pipeline_tests.core.dp.policies import CITIES, write_policy


@pytest.fixture
def ledger(tmp_path):
    book = BudgetLedger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    yield book
    book.dispose()


def test_a_release_is_one_long_table_charged_to_the_ledger(tmp_path, ledger):
    policy = load_policy(write_policy(tmp_path))
    release = release_aggregates(policy, run_id="run-1", ledger=ledger)

    table = pd.read_csv(tmp_path / "out" / "aggregates.csv", keep_default_na=False)
    assert list(table.columns) == ["query", "city", "bin", "value", "ci_low", "ci_high", "epsilon"]
    assert table["query"].tolist() == (
        ["visits"] + ["visits_by_city"] * 5 + ["total_amount", "mean_amount"] + ["ages"] * 7 + ["median_age"]
    )
    grouped = table[table["query"] == "visits_by_city"]
    assert grouped["city"].tolist() == CITIES
    assert (table.loc[table["query"] != "visits_by_city", "city"] == "").all()
    assert table.loc[table["query"] == "ages", "bin"].tolist() == [
        "< 0", "[0, 18)", "[18, 30)", "[30, 45)", "[45, 65)", "[65, 100]", "> 100"
    ]
    assert (table["epsilon"] == 0.5).all()
    assert (table["ci_low"] <= table["value"]).all() and (table["value"] <= table["ci_high"]).all()

    exact = pd.read_csv(tmp_path / "visits.csv")
    values = dict(zip(table["query"], table["value"]))
    assert abs(values["visits"] - 3000) < 200  # noise scale 10: 20 scales away is impossible in practice
    assert abs(values["mean_amount"] - exact["amount"].mean()) < 50
    assert 25 <= values["median_age"] <= 75

    [entry] = ledger.history("visits")
    assert (entry.status, entry.run_id, entry.epsilon) == ("committed", "run-1", 3.0)
    assert entry.digest == release.digest == table_digest(release.table)
    assert table["value"].tolist() == pytest.approx(release.table["value"].tolist())
    assert entry.queries == [query.name for query in policy.aggregates.queries]
    assert release.spent.epsilon == 3.0 and release.remaining.epsilon == 2.0
    assert release.rows_read == 3000 and release.rows_truncated == 0 and release.privacy_units == 600


def test_contributions_are_bounded_before_anything_is_counted(tmp_path, ledger):
    policy = load_policy(write_policy(tmp_path, queries=[{"name": "visits", "kind": "count", "epsilon": 2.0}], max_rows=2))
    release = release_aggregates(policy, run_id="r", ledger=ledger)
    assert release.rows_truncated == 1800
    assert abs(release.table["value"].iloc[0] - 1200) < 30


def test_a_release_the_budget_cannot_pay_is_refused_and_writes_nothing(tmp_path, ledger):
    policy = load_policy(write_policy(tmp_path))
    release_aggregates(policy, run_id="first", ledger=ledger)
    before = (tmp_path / "out" / "aggregates.csv").read_bytes()
    with pytest.raises(BudgetExhausted, match=r"needs epsilon 3, delta 0, but only epsilon 2, .* nothing released"):
        release_aggregates(policy, run_id="second", ledger=ledger)
    assert (tmp_path / "out" / "aggregates.csv").read_bytes() == before
    assert [entry.run_id for entry in ledger.history()] == ["first"]


def test_an_unknown_column_spends_nothing(tmp_path, ledger):
    query = {"name": "total", "kind": "sum", "column": "salary", "bounds": [0, 10], "epsilon": 1.0}
    policy = load_policy(write_policy(tmp_path, queries=[query]))
    with pytest.raises(InputDataError) as raised:
        release_aggregates(policy, run_id="r", ledger=ledger)
    assert str(raised.value) == "aggregates: unknown column 'salary'; the input has 4 columns: user_id, city, amount, age"
    assert ledger.history() == [] and not (tmp_path / "out").exists()


def test_a_policy_without_the_section_is_a_configuration_error(tmp_path, ledger, adult_policy_file):
    with pytest.raises(ConfigurationError, match="this policy has no 'aggregates' section"):
        release_aggregates(load_policy(adult_policy_file()), run_id="r", ledger=ledger)


def test_a_failed_write_aborts_the_reservation(tmp_path, ledger, monkeypatch):
    from anonymization_pipeline.core.dp import release as release_module
    from anonymization_pipeline.core.errors import OutputError

    def refuse(table, location):
        raise OutputError("cannot write: disk full")

    monkeypatch.setattr(release_module, "write_table", refuse)
    with pytest.raises(OutputError):
        release_aggregates(load_policy(write_policy(tmp_path)), run_id="r", ledger=ledger)
    assert [entry.status for entry in ledger.history()] == ["aborted"]
    assert ledger.spent("visits", ledger.history()[0].period).epsilon == 0.0


def test_private_key_selection_releases_only_groups_above_the_threshold(tmp_path):
    frame = pd.DataFrame(
        {"user_id": [f"u{i}" for i in range(2100)], "city": ["Big"] * 2000 + ["Small"] * 99 + ["Alone"]}
    )
    spec = Aggregates.model_validate(
        {
            "privacy_unit": {"column": "user_id", "max_rows": 1},
            "budget": {"epsilon": 1.0, "delta": 1e-6},
            "output": {"format": "csv", "path": str(tmp_path / "a.csv")},
            "queries": [{"name": "by_city", "kind": "count", "by": ["city"], "epsilon": 1.0, "delta": 1e-6}],
        }
    )
    cities = set()
    for _ in range(20):
        cities |= set(release_table(spec, frame)["city"])
    assert "Big" in cities and "Small" in cities and "Alone" not in cities


def test_values_outside_the_bounds_are_clamped_and_non_numbers_left_out(tmp_path):
    frame = pd.DataFrame({"user_id": [str(i) for i in range(4)], "x": ["5", "1000", "-3", "n/a"]})
    spec = Aggregates.model_validate(
        {
            "privacy_unit": {"column": "user_id", "max_rows": 1},
            "budget": {"epsilon": 1e6},
            "output": {"format": "csv", "path": str(tmp_path / "a.csv")},
            "queries": [
                {"name": "total", "kind": "sum", "column": "x", "bounds": [0, 10], "epsilon": 1e5},
                {"name": "xs", "kind": "histogram", "column": "x", "edges": [0, 5, 10], "epsilon": 1e5},
            ],
        }
    )
    table = release_table(spec, frame)
    assert table["value"].round().tolist() == [15.0, 1.0, 0.0, 1.0, 1.0]
    assert histogram_labels([0, 5, 10]) == ["< 0", "[0, 5)", "[5, 10]", "> 10"]


def test_the_fixed_point_grid_is_a_power_of_two_with_room_for_a_million_steps():
    for bounds in [(0, 1), (0, 200_000), (-5, 3), (1e-3, 2e-3)]:
        step = fixed_point_step(bounds)
        assert np.log2(step) == int(np.log2(step))
        assert 2**20 <= max(abs(b) for b in bounds) / step < 2**21


def test_grouped_sums_and_means_fill_their_by_columns_in_the_long_table(tmp_path, ledger):
    queries = [
        {"name": "amount_by_city", "kind": "sum", "column": "amount", "bounds": [0, 500], "by": ["city"], "keys": {"city": CITIES}, "epsilon": 1.0},
        {"name": "mean_by_city", "kind": "mean", "column": "amount", "bounds": [0, 500], "by": ["city"], "epsilon": 1.0, "delta": 1e-7},
    ]
    release_aggregates(load_policy(write_policy(tmp_path, queries=queries)), run_id="r", ledger=ledger)
    table = pd.read_csv(tmp_path / "out" / "aggregates.csv", keep_default_na=False)
    sums = table[table["query"] == "amount_by_city"]
    assert sums["city"].tolist() == CITIES
    exact = pd.read_csv(tmp_path / "visits.csv").groupby("city")["amount"]
    means = table[table["query"] == "mean_by_city"].set_index("city")["value"]
    crowded = ["Berlin", "Paris", "Rome"]  # hundreds of rows each; Lima's ~30 rows are far below the threshold
    assert set(crowded) <= set(means.index) <= set(CITIES) - {"Lima"}
    assert (abs(means[crowded] - exact.mean()[crowded]) < 100).all()  # sum noise scale 5000 over ≥ 500 rows: 10 scales
    assert (abs(sums.set_index("city")["value"] - exact.sum()) < 30_000).all()  # noise scale 2500: 12 scales
