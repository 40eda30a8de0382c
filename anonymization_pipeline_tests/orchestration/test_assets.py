"""The whole asset graph materialized in-process against a real (temporary SQLite) instance."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import dagster as dg
import pandas as pd

from anonymization_pipeline.core.datasets import ADULT_QUASI_IDENTIFIERS, load_adult
from anonymization_pipeline.orchestration.asset_graph import pipeline_assets
from anonymization_pipeline.orchestration.assets import STAGES
from anonymization_pipeline.orchestration.dataset import DatasetSpec
from anonymization_pipeline.orchestration.environment import build_resources, default_storage_dir
from anonymization_pipeline.orchestration.in_process import materialize_pipeline


def key(asset: str) -> dg.AssetKey:
    """The Adult policy's assets sit under its dataset name."""
    return dg.AssetKey(["adult", asset])


def instance_has_no_materialization(instance: dg.DagsterInstance, asset: str) -> bool:
    return instance.get_latest_materialization_event(key(asset)) is None


def latest_metadata(instance: dg.DagsterInstance, asset: str) -> dict:
    event = instance.get_latest_materialization_event(key(asset))
    return {key: value.value for key, value in event.asset_materialization.metadata.items()}


def test_every_stage_materializes_with_its_audit_metadata(adult_policy_file, tmp_path):
    policy_path = adult_policy_file()
    instance = dg.DagsterInstance.get()
    run = materialize_pipeline(build_resources(str(policy_path)), instance)
    assert run.success, run.error_message

    for stage in STAGES:
        metadata = latest_metadata(instance, stage)
        assert metadata["policy_sha256"] == hashlib.sha256(policy_path.read_bytes()).hexdigest()
        assert metadata["policy_version"] == 1 and metadata["attempt"] == 1 and metadata["policy_rung"] == 0

    raw = latest_metadata(instance, "raw_records")
    assert raw["dagster/row_count"] == 30162
    assert raw["fingerprint"]["rows"] == 30162 and len(raw["fingerprint"]["content_hmac_sha256"]) == 64
    assert raw["encrypted_with"] == "storage:v1"
    classification = latest_metadata(instance, "field_classification")["fields"]
    assert {name: entry["class"] for name, entry in classification.items()} == dict.fromkeys(
        ADULT_QUASI_IDENTIFIERS, "quasi_identifier"
    )
    privacy = latest_metadata(instance, "quasi_identifiers_generalized")["privacy"]
    assert [privacy["transformation"][c] for c in ADULT_QUASI_IDENTIFIERS] == [1, 1, 1, 2, 3, 2, 2, 1, 1]
    published = latest_metadata(instance, "anonymized_dataset")
    assert published["status"] == "published"
    assert published["rows"] == {"rows_in": 30162, "rows_published": 30162, "rows_suppressed": 0, "rows_generalized": 30162}
    assert (published["k_achieved"], published["rows_published"], published["suppressed_rows"]) == (6, 30162, 0)
    assert isinstance(published["average_risk"], float) and isinstance(published["information_loss"], float | int)
    schema = published["dagster/column_schema"]
    assert [column.name for column in schema.columns] == list(ADULT_QUASI_IDENTIFIERS)
    assert schema.columns[1].description == "quasi_identifier: generalize, hierarchy level 1"
    lineage = published["dagster/column_lineage"].deps_by_column
    assert lineage["age"] == [dg.TableColumnDep(asset_key=key("raw_records"), column_name="age")]

    output = pd.read_parquet(tmp_path / "out" / "adult.parquet")
    assert len(output) == 30162
    assert output.groupby(ADULT_QUASI_IDENTIFIERS).size().min() >= 5
    report = json.loads((tmp_path / "out" / "report" / "report.json").read_text())
    assert report["privacy"]["k_achieved"] >= 5


def test_intermediate_stages_are_sealed_parquet_never_pickles(adult_policy_file):
    instance = dg.DagsterInstance.get()
    run = materialize_pipeline(build_resources(str(adult_policy_file())), instance)
    assert run.success
    first_fingerprint = latest_metadata(instance, "raw_records")["fingerprint"]
    second = materialize_pipeline(build_resources(str(adult_policy_file())), instance)
    assert second.success
    assert latest_metadata(instance, "raw_records")["fingerprint"] == first_fingerprint
    stored = sorted(p.relative_to(default_storage_dir()) for p in default_storage_dir().rglob("*") if p.is_file())
    assert stored == [
        Path("runs", run_id, "adult", name)
        for run_id in sorted([run.run_id, second.run_id])
        for name in [
            "field_classification.json.sealed",
            "identifiers_protected.parquet.sealed",
            "quasi_identifiers_generalized.parquet.sealed",
            "raw_records.parquet.sealed",
            "risk_assessment.json.sealed",
            "sensitive_protected.parquet.sealed",
        ]
    ]
    sealed = default_storage_dir() / "runs" / run.run_id / "adult" / "raw_records.parquet.sealed"
    assert sealed.read_bytes().startswith(b"APSEAL1\nstorage:v1\n")
    assert b"Married-civ-spouse" not in sealed.read_bytes()


def test_unmet_target_fails_the_run_and_leaves_the_previous_output_untouched(adult_policy_file, tmp_path):
    previous = tmp_path / "out" / "adult.parquet"
    previous.parent.mkdir(parents=True)
    previous.write_bytes(b"the last good output")
    policy_path = adult_policy_file(risk={"max_prosecutor_risk": 0.01})

    run = materialize_pipeline(build_resources(str(policy_path)), dg.DagsterInstance.get())

    assert not run.success
    assert (run.failed_step, run.error_class) == ("adult__anonymized_dataset", "PrivacyTargetNotMet")
    assert run.error_message == "not published: highest prosecutor risk is 0.1667; the policy allows 0.01"
    assert instance_has_no_materialization(dg.DagsterInstance.get(), "anonymized_dataset")
    assert previous.read_bytes() == b"the last good output"
    assert sorted(p.name for p in previous.parent.iterdir()) == ["adult.parquet", "report"]
    assert not (previous.parent / "report" / "report.json").exists()
    report = json.loads((previous.parent / "report" / "assessments" / run.run_id / "report.json").read_text())
    assert report["status"] == "not_published" and report["output"] is None
    assert report["failures"] == ["highest prosecutor risk is 0.1667; the policy allows 0.01"]


def test_checks_show_each_target_with_its_figure_and_the_release_checks_sit_on_the_output(adult_policy_file):
    instance = dg.DagsterInstance.get()
    assert materialize_pipeline(build_resources(str(adult_policy_file(risk={"max_average_risk": 0.2}))), instance).success
    keys = [
        dg.AssetCheckKey(key("risk_assessment"), "k_anonymity"),
        dg.AssetCheckKey(key("risk_assessment"), "average_prosecutor_risk"),
        dg.AssetCheckKey(key("anonymized_dataset"), "row_reconciliation"),
        dg.AssetCheckKey(key("anonymized_dataset"), "published_schema"),
    ]
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(keys)
    assert {check.name: record.status.value for check, record in latest.items()} == dict.fromkeys(
        [check.name for check in keys], "SUCCEEDED"
    )
    k_check = latest[keys[0]].event.dagster_event.event_specific_data.metadata
    assert (k_check["achieved"].value, k_check["limit"].value) == (6, 5)
    rows = latest[keys[2]].event.dagster_event.event_specific_data.metadata
    assert rows["expectations_run"].value == 1


def test_an_assessment_of_another_table_cannot_publish(adult_policy_file, tmp_path):
    """Assess table A, then rebuild the candidate from input B and materialize only the publish
    stage: the stale passing assessment must not let B out."""
    instance = dg.DagsterInstance.get()
    assert materialize_pipeline(build_resources(str(adult_policy_file())), instance).success
    output = tmp_path / "out" / "adult.parquet"
    published = output.read_bytes()
    other_input = tmp_path / "other.csv"
    load_adult().head(30).to_csv(other_input, index=False)
    upstream = ["raw_records", "field_classification", "identifiers_protected", "quasi_identifiers_generalized",
                "sensitive_protected"]
    resources = build_resources(str(adult_policy_file()), input_uri=str(other_input))
    assets = pipeline_assets(DatasetSpec.load(str(adult_policy_file())))
    assert dg.materialize(assets, instance=instance, resources=resources, selection=[key(name) for name in upstream]).success

    result = dg.materialize(
        assets, instance=instance, resources=resources, selection=[key("anonymized_dataset")], raise_on_error=False
    )

    assert not result.success
    failure = next(event for event in result.all_events if event.is_step_failure)
    assert "the risk assessment was made for another table" in failure.step_failure_data.user_failure_data.description
    assert output.read_bytes() == published
