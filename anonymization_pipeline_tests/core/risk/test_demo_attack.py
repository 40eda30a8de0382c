"""The reference scenario on the demo data: raw data is re-identified, k=5 output is not."""

from __future__ import annotations

import pytest

from anonymization_pipeline.core.datasets.external_registry import generate_external_registry
from anonymization_pipeline.core.datasets.users import generate_users
from anonymization_pipeline.core.policy import validate_policy
from anonymization_pipeline.core.privacy import anonymize_quasi_identifiers, build_hierarchies
from anonymization_pipeline.core.risk import GroundTruth, run_linkage_attack
from anonymization_pipeline.core.risk.attack import TRUTH_COLUMN

ON = ["birth_date", "sex", "zipcode"]


@pytest.fixture(scope="module")
def scenario():
    users = generate_users(2_000, seed=3)
    registry = generate_external_registry(users, 0.5, seed=4)
    truth = GroundTruth(published=users["user_id"], external=registry[TRUTH_COLUMN])
    policy = validate_policy(
        {
            "version": 1,
            "dataset": {"name": "users", "input": {"format": "csv", "path": "/in.csv"}, "output": {"format": "csv", "path": "/out.csv"}},
            "fields": {
                "birth_date": {"class": "quasi_identifier", "hierarchy": {"dates": ["day", "month", "year", "*"]}},
                "sex": {"class": "quasi_identifier", "hierarchy": {"prefix": [1, 0]}},
                "zipcode": {"class": "quasi_identifier", "hierarchy": {"prefix": [5, 3, 1, 0]}},
            },
            "privacy": {"k": 5, "max_suppression": 0.04},
        }
    )
    return users, registry, truth, policy


def test_raw_data_re_identifies_everyone_on_the_list(scenario):
    users, registry, truth, _ = scenario
    result = run_linkage_attack(users[ON], registry.drop(columns=[TRUTH_COLUMN]), ON, ground_truth=truth)
    assert result["targets_in_published"] == 1_000
    assert result["matched_correctly"] >= 0.95 * 1_000


def test_k_5_output_keeps_correct_matches_within_one_in_k(scenario):
    users, registry, truth, policy = scenario
    anonymized = anonymize_quasi_identifiers(users[ON], policy)
    hierarchies = build_hierarchies(policy, users[ON])
    levels = anonymized.summary["transformation"]
    by_transformation = run_linkage_attack(anonymized.frame, registry, ON, hierarchies, levels, ground_truth=truth)
    by_containment = run_linkage_attack(anonymized.frame, registry, ON, hierarchies, ground_truth=truth)
    assert by_transformation["method"] == "equality after the published transformation"
    assert by_transformation["matched_correctly"] == 0
    assert by_transformation["expected_correct"] / by_transformation["targets_in_published"] <= 1 / 5
    assert by_transformation["expected_success_rate"] <= 1 / 5
    for key in ("matched", "uniquely_matched", "expected_correct"):
        assert by_containment[key] == pytest.approx(by_transformation[key])


def test_mondrian_output_is_matched_by_containment_and_stays_within_one_in_k(scenario):
    users, registry, truth, policy = scenario
    anonymized = anonymize_quasi_identifiers(users[ON], policy.with_privacy(algorithm="mondrian"))
    levels = anonymized.summary["transformation"]  # Mondrian: a level of None for every column
    result = run_linkage_attack(anonymized.frame, registry, ON, build_hierarchies(policy, users[ON]), levels, ground_truth=truth)
    assert result["method"] == "containment (ranges, hierarchy nodes, masks)"
    assert result["matched"] >= result["targets_in_published"] == 1_000
    assert result["matched_correctly"] == 0
    assert result["expected_correct"] / result["targets_in_published"] <= 1 / 5
