"""The classification drift check: a warning on field_classification, never a stop."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import yaml

from anonymization_pipeline.core.datasets import generate_users
from anonymization_pipeline.core.io import parse_location, write_table
from anonymization_pipeline.orchestration.drift_check import CHECK_NAME
from anonymization_pipeline.orchestration.environment import build_resources
from anonymization_pipeline.orchestration.in_process import materialize_pipeline

DEMO_POLICY = Path(__file__).resolve().parents[2] / "examples" / "policies" / "users.yaml"


def drift_evaluation(policy: dict, tmp_path: Path, users) -> tuple[bool, dg.AssetCheckEvaluation]:
    """Materialize the first two stages of `policy` over `users`; the run's success and the check's evaluation."""
    write_table(users, parse_location(str(tmp_path / "users.csv")))
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(policy))
    instance = dg.DagsterInstance.get()
    run = materialize_pipeline(build_resources(str(path)), instance, selection=["raw_records", "field_classification"])
    records = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    evaluations = [record.dagster_event.event_specific_data for record in records]
    assert [evaluation.check_name for evaluation in evaluations] == [CHECK_NAME]
    return run.success, evaluations[0]


def demo_policy(tmp_path: Path) -> dict:
    policy = yaml.safe_load(DEMO_POLICY.read_text())
    policy["dataset"]["input"]["path"] = str(tmp_path / "users.csv")
    policy["dataset"]["output"]["path"] = str(tmp_path / "out" / "users.parquet")
    policy["fields"]["sex"]["hierarchy"] = {"prefix": [0]}
    policy["fields"]["city"]["hierarchy"] = {"prefix": [0]}
    policy["risk"].pop("linkage_attack")
    return policy


def test_the_demo_policy_on_its_own_data_shows_no_drift(tmp_path):
    success, evaluation = drift_evaluation(demo_policy(tmp_path), tmp_path, generate_users(1_500, seed=4))
    assert success and evaluation.passed
    assert evaluation.metadata["columns_drifted"].value == 0
    assert evaluation.metadata["columns_profiled"].value == 15


def test_emails_declared_non_sensitive_and_a_new_column_are_reported_without_stopping_the_run(tmp_path):
    policy = demo_policy(tmp_path)
    policy["fields"]["email"] = {"class": "non_sensitive", "method": "keep"}
    policy["unlisted_columns"] = "drop"
    users = generate_users(1_500, seed=4)
    users["backup_phone"] = users["phone"]
    success, evaluation = drift_evaluation(policy, tmp_path, users)

    assert success
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
    findings = evaluation.metadata["findings"].value
    assert [(f["column"], f["declared"], f["detected"], f["kind"]) for f in findings] == [
        ("email", "non_sensitive", "direct_identifier", "email"),
        ("backup_phone", None, "direct_identifier", "phone"),
    ]
    assert evaluation.description == (
        "'email' is declared non_sensitive, but its values look like email (direct_identifier, confidence 0.99); "
        "'backup_phone' is not in the policy; its values look like phone (direct_identifier)"
    )
    assert "@" not in str(evaluation.metadata)
