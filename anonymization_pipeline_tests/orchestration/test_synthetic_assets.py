"""The synthetic_dataset asset against a real (temporary SQLite) instance: its blocking checks,
its publish gate, and its wiring only for policies with a `synthetic:` section."""

from __future__ import annotations

import json

import dagster as dg
import pandas as pd
import yaml

from anonymization_pipeline.core.datasets import load_adult
from anonymization_pipeline.core.dp import BudgetLedger
from anonymization_pipeline.orchestration.definitions import build_definitions
from anonymization_pipeline.orchestration.failures import our_error
from anonymization_pipeline.orchestration.synthetic_assets import CHECK_DESCRIPTIONS
from anonymization_pipeline_tests.conftest import adult_policy_document


def write_policy(tmp_path, **targets):
    document = adult_policy_document(tmp_path / "out" / "adult.parquet")
    document["synthetic"] = {
        "rows": 3000,
        "seed": 5,
        "output": {"format": "parquet", "path": str(tmp_path / "out" / "adult_synthetic.parquet")},
        "targets": {"min_quality": 0.9, **targets},
    }
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def check_results(result: dg.ExecuteInProcessResult) -> dict[str, bool]:
    return {
        event.asset_check_evaluation_data.check_name: event.asset_check_evaluation_data.passed
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
    }


SYNTHETIC = dg.AssetKey(["adult", "synthetic_dataset"])


def materialize(policy_path) -> dg.ExecuteInProcessResult:
    """The raw records and the synthesis of the policy's dataset, as the code location defines them."""
    job = build_definitions([str(policy_path)]).resolve_implicit_global_asset_job_def()
    return job.execute_in_process(
        instance=dg.DagsterInstance.get(),
        asset_selection=[dg.AssetKey(["adult", "raw_records"]), SYNTHETIC],
        raise_on_error=False,
    )


def test_a_passing_candidate_is_published_with_every_check_and_its_metadata(tmp_path):
    result = materialize(write_policy(tmp_path))
    assert result.success
    checks = check_results(result)
    assert set(checks) == set(CHECK_DESCRIPTIONS) and all(checks.values())
    event = dg.DagsterInstance.get().get_latest_materialization_event(SYNTHETIC)
    metadata = {key: value.value for key, value in event.asset_materialization.metadata.items()}
    assert metadata["status"] == "published" and metadata["dagster/row_count"] == 3000
    assert metadata["evaluation"]["quality"]["score"] >= 0.9 and metadata["method"] == "bayesian_network"
    assert len(pd.read_parquet(tmp_path / "out" / "adult_synthetic.parquet")) == 3000
    report = json.loads((tmp_path / "out" / "report" / "synthetic" / "report.json").read_text())
    assert report["candidate_sha256"] == metadata["candidate_sha256"]


def test_an_unmet_target_fails_its_check_and_the_step_and_writes_nothing(tmp_path):
    result = materialize(write_policy(tmp_path, min_quality=0.9999))
    assert not result.success
    checks = check_results(result)
    assert checks["quality"] is False and checks["unique_copies"] is True
    failure = next(event for event in result.all_events if event.is_step_failure)
    assert our_error(failure.step_failure_data.error)[0] == "PrivacyTargetNotMet"
    assert dg.DagsterInstance.get().get_latest_materialization_event(SYNTHETIC) is None
    assert not (tmp_path / "out" / "adult_synthetic.parquet").exists()
    rejected = list((tmp_path / "out" / "report" / "synthetic" / "assessments").glob("*/report.json"))
    assert [json.loads(path.read_text())["status"] for path in rejected] == ["not_published"]


def test_the_asset_is_defined_only_for_a_policy_with_a_synthetic_section(tmp_path, adult_policy_file):
    with_section = build_definitions([str(write_policy(tmp_path))])
    keys = {key.to_user_string() for key in with_section.resolve_all_asset_keys()}
    assert {"adult/synthetic_dataset", "adult/anonymized_dataset", "adult/raw_records"} <= keys
    without = build_definitions([str(adult_policy_file())])
    assert not any(key.path[-1] == "synthetic_dataset" for key in without.resolve_all_asset_keys())



def test_a_dp_marginals_materialization_is_charged_under_its_run_id(tmp_path):
    small = tmp_path / "adult_small.csv"
    load_adult().iloc[:3000].to_csv(small, index=False)
    document = yaml.safe_load(write_policy(tmp_path).read_text())
    document["dataset"]["input"] = {"format": "csv", "path": str(small)}
    document["synthetic"] |= {
        "method": "dp_marginals",
        "epsilon": 1.0,
        "budget": {"epsilon": 1.5},
        "targets": {"min_quality": 0.5, "min_dcr_ratio": None, "max_unique_copy_ratio": None, "max_membership_auc": None},
    }
    (tmp_path / "policy.yaml").write_text(yaml.safe_dump(document))
    first = materialize(tmp_path / "policy.yaml")
    assert first.success
    ledger = BudgetLedger.from_environment()
    [entry] = ledger.history("adult")
    assert (entry.status, entry.run_id, entry.queries) == ("committed", first.run_id, ["synthetic:dp_marginals"])
    event = dg.DagsterInstance.get().get_latest_materialization_event(dg.AssetKey(["adult", "synthetic_dataset"]))
    metadata = {key: value.value for key, value in event.asset_materialization.metadata.items()}
    assert (metadata["epsilon_released"], metadata["epsilon_remaining"]) == (1.0, 0.5)
    assert entry.digest == metadata["candidate_sha256"]
    second = materialize(tmp_path / "policy.yaml")
    assert not second.success
    failure = next(event for event in second.all_events if event.is_step_failure)
    assert our_error(failure.step_failure_data.error)[0] == "BudgetExhausted"
    assert [row.status for row in ledger.history("adult")] == ["committed"]
    ledger.dispose()
