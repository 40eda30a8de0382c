"""The in-process API: the same stages as the assets, no Dagster."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from anonymization_pipeline import Policy, anonymize
from anonymization_pipeline.core.datasets import ADULT_QUASI_IDENTIFIERS, generate_external_registry, generate_users, load_adult
from anonymization_pipeline.core.errors import PrivacyTargetNotMet
from anonymization_pipeline.core.io import write_table
from anonymization_pipeline.core.policy import validate_policy
from anonymization_pipeline_tests.conftest import adult_policy_document

REPO = Path(__file__).resolve().parents[3]


def test_adult_is_published_k_anonymous_with_its_report(tmp_path):
    policy = validate_policy(adult_policy_document(tmp_path / "out.parquet"))
    result = anonymize(load_adult(), policy)

    assert result.data.groupby(ADULT_QUASI_IDENTIFIERS).size().min() >= 5
    assert result.report["status"] == "published" and result.report["output"] is None
    assert result.report["rows"] == {"rows_in": 30162, "rows_published": 30162, "rows_suppressed": 0, "rows_generalized": 30162}
    assert result.report["privacy"]["information_loss"] == 33_627_534
    assert result.report["validation"]["passed"] is True
    assert result.report["risk"]["prosecutor"]["highest_risk"] == pytest.approx(1 / 6)


def test_an_unmet_target_raises_and_returns_nothing(tmp_path):
    policy = validate_policy(adult_policy_document(tmp_path / "out.parquet", risk={"max_average_risk": 0.001}))
    with pytest.raises(PrivacyTargetNotMet, match=r"^not published: average prosecutor risk is 0\.001492; the policy allows 0\.001$"):
        anonymize(load_adult(), policy)


def test_linkage_attack_reidentifies_the_raw_input_but_not_the_published_data(tmp_path):
    shutil.copytree(REPO / "examples" / "users" / "hierarchies", tmp_path / "users" / "hierarchies")
    (tmp_path / "policies").mkdir()
    document = yaml.safe_load((REPO / "examples" / "policies" / "users.yaml").read_text())
    document["privacy"]["k"] = 5
    document["risk"] = {"linkage_attack": document["risk"]["linkage_attack"]}
    (tmp_path / "policies" / "policy.yaml").write_text(yaml.safe_dump(document))
    policy = Policy.from_yaml(tmp_path / "policies" / "policy.yaml")
    users = generate_users(4_000, seed=3)
    write_table(generate_external_registry(users, overlap=0.5, seed=4), policy.risk.linkage_attack.external)

    attack = anonymize(users, policy).report["risk"]["attack"]

    raw, published = attack["raw input"], attack["published"]
    assert raw["targets_in_published"] == published["targets_in_published"] == 2_000
    assert raw["matched_correctly"] >= 0.9 * 2_000
    assert published["uniquely_matched"] == 0
    assert published["expected_correct"] <= published["targets_in_published"] / 5


def test_a_numeric_method_on_values_that_are_not_numbers_stops_the_run(tmp_path):
    import pandas as pd

    from anonymization_pipeline.core.errors import InputDataError

    policy = validate_policy(
        {
            "version": 1,
            "dataset": {
                "name": "pay",
                "input": {"format": "csv", "path": "in.csv"},
                "output": {"format": "csv", "path": "out.csv"},
            },
            "fields": {
                "name": {"class": "direct_identifier", "method": "drop"},
                "income": {"class": "sensitive", "method": "perturb", "params": {"scale": 10, "seed": 1}},
            },
        }
    )
    frame = pd.DataFrame({"name": ["Ann", "Bob", "Cy"], "income": ["1200", "n/a", None]})
    with pytest.raises(InputDataError, match=r"^column 'income': 1 of 3 values are not numbers, which method 'perturb' needs$"):
        anonymize(frame, policy)
