"""Stage files and hand-offs are sealed to their run, dataset and asset (issue 11, findings 1 and 5)."""

from __future__ import annotations

import json
import shutil

import dagster as dg

from anonymization_pipeline.orchestration.asset_graph import pipeline_assets
from anonymization_pipeline.orchestration.dataset import DatasetSpec
from anonymization_pipeline.orchestration.environment import build_resources, default_storage_dir
from anonymization_pipeline.orchestration.in_process import materialize_pipeline
from anonymization_pipeline_tests.small_case import write_small_case

UPSTREAM = ["raw_records", "field_classification", "identifiers_protected", "quasi_identifiers_generalized",
            "sensitive_protected", "risk_assessment"]
DATASET = "people"
TAMPERED = ("a file of another run, stage or day", "cannot be decrypted")


def _assets(policy) -> list[dg.AssetsDefinition]:
    return pipeline_assets(DatasetSpec.load(str(policy)))


def _keys(dataset: str, names: list[str]) -> list[dg.AssetKey]:
    return [dg.AssetKey([dataset, name]) for name in names]


def _forge_a_passing_assessment(run_id: str) -> None:
    """What the review did: write `passed: true` where the publish stage reads the verdict."""
    forged = {"passed": True, "failures": [], "candidate_sha256": "x", "plots": {}, "risk": {}, "validation": {}}
    for path in (
        default_storage_dir() / "risk_assessment.json",
        default_storage_dir() / "runs" / run_id / DATASET / "risk_assessment.json.sealed",
    ):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(forged))


def _publish_alone(policy, instance: dg.DagsterInstance, dataset: str = DATASET) -> str:
    """Materialize the publish stage alone, as from the UI; returns why it failed."""
    result = dg.materialize(
        _assets(policy), instance=instance, resources=build_resources(str(policy)),
        selection=_keys(dataset, ["anonymized_dataset"]), raise_on_error=False,
    )
    assert not result.success
    return next(event for event in result.all_events if event.is_step_failure).step_failure_data.error.to_string()


def test_an_edited_assessment_cannot_publish_a_table_that_failed(tmp_path):
    """Finding 5: editing `passed: true` in the stage folder published a table that failed its target."""
    case = write_small_case(tmp_path, risk={"max_prosecutor_risk": 0.01})
    instance = dg.DagsterInstance.get()
    resources = build_resources(str(case.policy))
    assets = _assets(case.policy)
    assessed = dg.materialize(assets, instance=instance, resources=resources, selection=_keys(DATASET, UPSTREAM), raise_on_error=False)
    _forge_a_passing_assessment(assessed.run_id)

    result = dg.materialize(
        assets, instance=instance, resources=resources, selection=_keys(DATASET, ["anonymized_dataset"]), raise_on_error=False
    )

    assert not result.success and not case.output.exists()
    failure = next(event for event in result.all_events if event.is_step_failure)
    assert "is not an encrypted stage file" in str(failure.step_failure_data.error.to_string())


def test_a_stage_file_of_another_run_does_not_open_in_its_place(tmp_path):
    case = write_small_case(tmp_path)
    instance = dg.DagsterInstance.get()
    first = materialize_pipeline(build_resources(str(case.policy)), instance)
    second = materialize_pipeline(build_resources(str(case.policy)), instance)
    assert first.success and second.success
    runs = default_storage_dir() / "runs"
    stage = f"{DATASET}/sensitive_protected.parquet.sealed"
    shutil.copy(runs / first.run_id / stage, runs / second.run_id / stage)

    assert "a file of another run, stage or day" in _publish_alone(case.policy, instance)


def test_a_stage_file_of_another_dataset_does_not_open(tmp_path):
    case = write_small_case(tmp_path)
    instance = dg.DagsterInstance.get()
    people = materialize_pipeline(build_resources(str(case.policy)), instance)
    assert people.success
    case.policy.write_text(case.policy.read_text().replace("name: people", "name: patients"))
    patients = materialize_pipeline(build_resources(str(case.policy)), instance)
    assert patients.success
    runs = default_storage_dir() / "runs"
    shutil.copy(
        runs / people.run_id / DATASET / "sensitive_protected.parquet.sealed",
        runs / patients.run_id / "patients" / "sensitive_protected.parquet.sealed",
    )

    reason = _publish_alone(case.policy, instance, "patients")
    assert any(message in reason for message in TAMPERED), reason
