import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
import yaml

from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.orchestration.assets import DOWNSTREAM, STAGES
from anonymization_pipeline.orchestration.definitions import build_definitions, defs
from anonymization_pipeline_tests.core.dp.policies import write_policy as write_dp_policy

REPO = Path(__file__).resolve().parents[2]
POLICIES = REPO / "examples" / "policies"
DATASETS = ["adult", "users", "users_escalation_demo"]


def test_every_policy_of_the_folder_is_its_own_group_job_schedule_and_sensor():
    graph = defs.resolve_asset_graph()
    assert {key.to_user_string() for key in defs.resolve_all_asset_keys()} == {
        f"{dataset}/{stage}" for dataset in DATASETS for stage in STAGES
    }
    assert {graph.get(key).group_name for key in graph.get_all_asset_keys()} == set(DATASETS)
    for dataset in DATASETS:
        assert defs.resolve_job_def(f"anonymize_{dataset}")
        assert defs.resolve_schedule_def(f"{dataset}_schedule").default_status == dg.DefaultScheduleStatus.RUNNING
        assert defs.resolve_sensor_def(f"{dataset}_escalation").default_status == dg.DefaultSensorStatus.RUNNING
    assert defs.resolve_sensor_def("stage_automation").default_status == dg.DefaultSensorStatus.RUNNING
    assert graph.get(dg.AssetKey(["adult", "raw_records"])).automation_condition is None
    assert graph.get(dg.AssetKey(["adult", "anonymized_dataset"])).automation_condition == DOWNSTREAM


def test_schedule_owners_tags_and_kinds_come_from_the_policy():
    schedule = defs.resolve_schedule_def("adult_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("30 3 * * 1", "Europe/Berlin")
    assert schedule.description
    published = defs.resolve_asset_graph().get(dg.AssetKey(["adult", "anonymized_dataset"]))
    assert published.owners == ["team:research"]
    assert published.tags["domain"] == "census" and published.kinds == {"parquet"}
    for key in defs.resolve_asset_graph().get_all_asset_keys():
        assert defs.resolve_asset_graph().get(key).kinds, key


def test_datasets_pseudonymizing_under_one_key_share_the_pseudonym_key_tag():
    graph = defs.resolve_asset_graph()
    tags = {dataset: graph.get(dg.AssetKey([dataset, "anonymized_dataset"])).tags for dataset in DATASETS}
    assert tags["users"]["pseudonym_key"] == tags["users_escalation_demo"]["pseudonym_key"] == "pseudonyms"
    assert "pseudonym_key" not in tags["adult"]


def test_one_check_per_target_the_policy_sets_described_by_its_target():
    graph = defs.resolve_asset_graph()
    checks = {key.to_user_string(): graph.get_check_spec(key).description for key in graph.asset_check_keys}
    adult = {name: text for name, text in checks.items() if name.startswith("adult/")}
    assert adult == {
        "adult/field_classification:classification_drift": adult["adult/field_classification:classification_drift"],
        "adult/risk_assessment:k_anonymity": "k-anonymity: every class has ≥ 5 records",
        "adult/anonymized_dataset:row_reconciliation": adult["adult/anonymized_dataset:row_reconciliation"],
        "adult/anonymized_dataset:published_schema": adult["adult/anonymized_dataset:published_schema"],
    }
    assert checks["users/risk_assessment:average_prosecutor_risk"] == "average prosecutor risk ≤ 0.05"
    assert "users/anonymized_dataset:no_raw_identifier_leaked" in checks
    assert not any("t_closeness" in name for name in checks)


def test_two_policies_for_one_dataset_are_refused(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_bytes((POLICIES / "adult.yaml").read_bytes().replace(b"../../", str(REPO).encode() + b"/"))
    with pytest.raises(ConfigurationError, match="both name dataset 'adult'"):
        build_definitions([str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")])


def test_workspace_validates_with_the_dagster_cli():
    dagster = Path(sys.executable).parent / "dagster"
    completed = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]


def test_synthesis_and_dp_release_get_groups_of_their_own_outside_the_dataset_job(tmp_path):
    policy = tmp_path / "policy.yaml"
    document = yaml.safe_load(write_dp_policy(tmp_path).read_text())
    document["synthetic"] = {"rows": 100, "output": {"format": "parquet", "path": str(tmp_path / "out" / "synthetic.parquet")}}
    policy.write_text(yaml.safe_dump(document))

    defs = build_definitions([str(policy)])
    graph = defs.resolve_asset_graph()
    synthetic, release = dg.AssetKey(["visits", "synthetic_dataset"]), dg.AssetKey(["visits", "dp_aggregates"])
    assert graph.get(synthetic).group_name == "visits_synthetic"
    assert graph.get(release).group_name == "visits_differential_privacy"
    assert {graph.get(dg.AssetKey(["visits", stage])).group_name for stage in STAGES} == {"visits"}
    job_keys = defs.resolve_job_def("anonymize_visits").asset_layer.selected_asset_keys
    assert {dg.AssetKey(["visits", stage]) for stage in STAGES} <= job_keys
    assert synthetic not in job_keys and release not in job_keys
    assert graph.get(synthetic).automation_condition is None and graph.get(release).automation_condition is None
