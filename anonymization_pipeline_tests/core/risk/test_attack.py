"""The linkage attack: hand-counted outcomes, containment against hierarchies, and the k bound."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anonymization_pipeline.core.datasets import ADULT_QUASI_IDENTIFIERS, adult_hierarchy_path, load_adult
from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.policy.model import TableHierarchy
from anonymization_pipeline.core.privacy.hierarchies import read_table_hierarchy
from anonymization_pipeline.core.risk import GroundTruth, run_linkage_attack
from anonymization_pipeline.core.risk.attack import wilson_interval
from anonymization_pipeline.core.risk.matching import match_by_containment


def test_hand_counted_attack():
    published = pd.DataFrame({"age": ["[20-29]", "[30-39]", "[30-39]", "[30-39]", "*"], "note": list("abcde")})
    external = pd.DataFrame({"name": ["A", "B", "C", "D", "E"], "age": ["25", "33", "45", "38", "22"]})
    truth = GroundTruth(
        published=pd.Series(["p1", "p2", "p3", "p4", "p5"]),
        external=pd.Series(["p1", "p2", None, "p5", None], dtype="string"),
    )
    result = run_linkage_attack(published, external, ["age"], ground_truth=truth)
    assert result == {
        "on": ["age"],
        "method": "containment (ranges, hierarchy nodes, masks)",
        "attempts": 5,
        "matched": 4,
        "uniquely_matched": 2,
        "attacker_expected_success_rate": pytest.approx(8 / 15),
        "targets_in_published": 3,
        "matched_correctly": 1,
        "expected_correct": pytest.approx(4 / 3),
        "expected_success_rate": pytest.approx(4 / 15),
    }


@pytest.mark.parametrize(
    ("cell", "raw", "inside"),
    [
        ("*", ["x", None], [True, True]),
        ("[20-29]", ["20", "29", "30", "abc"], [True, True, False, False]),
        ("[20, 30)", ["20", "29.5", "30"], [True, True, False]),
        ("(20, 30]", ["20", "30"], [False, True]),
        ("123**", ["12345", "12399", "1234", "22345"], [True, True, False, False]),
        ("1984-03", ["1984-03-17", "1984-04-01", "1984-03"], [True, False, True]),
        ("[1980-01-01, 1984-12-31]", ["1983-05-02", "1985-01-01"], [True, False]),
        ("F", ["F", "M"], [True, False]),
        ("{1984-03-17, 1990-01-02}", ["1990-01-02", "1984-03-18"], [True, False]),
    ],
)
def test_containment_of_raw_values_in_published_cells(cell, raw, inside):
    classes = pd.DataFrame({"c": [cell]})
    matches = match_by_containment(classes, pd.DataFrame({"c": raw}), ["c"])
    assert sorted(matches.target.tolist()) == [i for i, hit in enumerate(inside) if hit]


def test_containment_through_a_hierarchy_table_matches_what_the_classes_hold():
    adult = load_adult()
    levels = [1, 1, 1, 2, 3, 2, 2, 1, 1]
    hierarchies = {}
    published = adult.copy()
    for column, level in zip(ADULT_QUASI_IDENTIFIERS, levels):
        hierarchies[column] = read_table_hierarchy(column, TableHierarchy(table=adult_hierarchy_path(column), delimiter=";"))
        table = hierarchies[column].table
        published[column] = adult[column].map(dict(zip(table[:, 0], table[:, level])))
    external = adult.sample(2_000, random_state=5)
    truth = GroundTruth(published=pd.Series(adult.index.astype(str)), external=pd.Series(external.index.astype(str)))
    result = run_linkage_attack(published, external, ADULT_QUASI_IDENTIFIERS, hierarchies, ground_truth=truth)
    class_size = published.groupby(ADULT_QUASI_IDENTIFIERS)[ADULT_QUASI_IDENTIFIERS[0]].transform("size")
    sizes = class_size.loc[external.index]
    assert result["matched"] == 2_000
    assert result["uniquely_matched"] == int((sizes == 1).sum())
    assert result["expected_correct"] == pytest.approx(float((1 / sizes).sum()))


def _people(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "id": [f"u{i}" for i in range(rows)],
            "birth_year": rng.integers(1940, 2005, rows).astype(str),
            "sex": rng.choice(["F", "M"], rows),
            "zipcode": rng.integers(10000, 10400, rows).astype(str),
        }
    )


def _coarsen(people: pd.DataFrame, k: int) -> pd.DataFrame:
    """Decades, 3-digit ZIP prefixes, and suppression of classes smaller than k."""
    published = people[["birth_year", "sex", "zipcode"]].copy()
    decade = (published["birth_year"].astype(int) // 10) * 10
    published["birth_year"] = "[" + decade.astype(str) + "-" + (decade + 9).astype(str) + "]"
    published["zipcode"] = published["zipcode"].str[:3] + "**"
    small = published.groupby(list(published.columns))["sex"].transform("size") < k
    published.loc[small, :] = "*"
    return published


def test_raw_data_is_mostly_re_identified_and_k_anonymous_data_is_not():
    people = _people(2_000, seed=1)
    on = ["birth_year", "sex", "zipcode"]
    truth = GroundTruth(published=people["id"], external=people["id"])
    raw = run_linkage_attack(people[on], people, on, ground_truth=truth)
    protected = run_linkage_attack(_coarsen(people, 5), people, on, ground_truth=truth)
    assert raw["matched_correctly"] / raw["attempts"] > 0.9
    assert protected["matched_correctly"] == 0
    assert protected["expected_success_rate"] <= 1 / 5


@settings(max_examples=25, deadline=None)
@given(st.integers(50, 400), st.integers(0, 10_000), st.integers(2, 10))
def test_correct_matches_stay_within_one_in_k_after_k_anonymity(rows, seed, k):
    people = _people(rows, seed)
    on = ["birth_year", "sex", "zipcode"]
    truth = GroundTruth(published=people["id"], external=people["id"])
    result = run_linkage_attack(_coarsen(people, k), people, on, ground_truth=truth)
    assert result["matched_correctly"] == 0
    assert result["expected_success_rate"] <= 1 / k + 1e-12


def test_joining_on_a_column_the_list_lacks_is_an_input_error():
    with pytest.raises(InputDataError, match="the external table has no column 'zipcode'"):
        run_linkage_attack(pd.DataFrame({"zipcode": ["1"]}), pd.DataFrame({"zip": ["1"]}), ["zipcode"])


def test_raw_values_compared_by_equality_give_the_containment_counts():
    people = _people(1_500, seed=2)
    on = ["birth_year", "sex", "zipcode"]
    truth = GroundTruth(published=people["id"], external=people["id"])
    by_equality = run_linkage_attack(people[on], people, on, levels=dict.fromkeys(on, 0), ground_truth=truth)
    by_containment = run_linkage_attack(people[on], people, on, ground_truth=truth)
    assert by_equality.pop("method") == "equality of raw values"
    by_containment.pop("method")
    assert by_equality == by_containment


def test_a_list_longer_than_the_sample_size_is_attacked_through_a_sample_with_intervals():
    people = _people(6_000, seed=3)
    on = ["birth_year", "sex", "zipcode"]
    truth = GroundTruth(published=people["id"], external=people["id"])
    whole = run_linkage_attack(people[on], people, on, ground_truth=truth)
    sampled = run_linkage_attack(people[on], people, on, ground_truth=truth, sample_size=1_000)
    assert "ci95" not in whole and "listed" not in whole
    assert (sampled["attempts"], sampled["listed"], sampled["targets_in_published"]) == (1_000, 6_000, 1_000)
    assert sampled == run_linkage_attack(people[on], people, on, ground_truth=truth, sample_size=1_000)  # seeded
    for name in ("matched", "uniquely_matched", "matched_correctly", "expected_correct"):
        low, high = sampled["ci95"][name]
        assert low <= sampled[name] / 1_000 <= high
        assert low <= whole[name] / 6_000 <= high
        assert high - low < 0.05
    low, high = sampled["ci95"]["expected_success_rate"]
    assert low <= whole["expected_success_rate"] <= high
    assert run_linkage_attack(people[on], people, on, ground_truth=truth, sample_size=6_000) == whole


@pytest.mark.parametrize(
    ("successes", "sampled", "population", "expected"),
    [
        (50, 100, 10**9, (0.403832, 0.596168)),  # the textbook Wilson interval for 50/100
        (0, 100, 10**9, (0.0, 0.036994)),  # z² / (n + z²)
        (100, 100, 10**9, (0.963006, 1.0)),
        (37, 100, 100, (0.37, 0.37)),  # the whole population: exact
    ],
)
def test_wilson_interval(successes, sampled, population, expected):
    assert wilson_interval(successes, sampled, population) == pytest.approx(expected, abs=2e-6)
