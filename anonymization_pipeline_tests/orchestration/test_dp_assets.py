"""`dp_aggregates` in a real (temporary SQLite) Dagster instance: metadata, the budget check, refusal."""

from __future__ import annotations

import dagster as dg

from anonymization_pipeline.orchestration.dataset import DatasetSpec
from anonymization_pipeline.orchestration.definitions import build_definitions
from anonymization_pipeline.orchestration.dp_assets import DP_GROUP, dp_definitions
from anonymization_pipeline.orchestration.failures import our_error
from anonymization_pipeline_tests.core.dp.policies import write_policy


RELEASE = dg.AssetKey(["visits", "dp_aggregates"])


def materialize(policy_path, instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    """The release and its budget check, as the code location defines them for the policy."""
    job = build_definitions([str(policy_path)]).resolve_implicit_global_asset_job_def()
    return job.execute_in_process(instance=instance, asset_selection=[RELEASE], raise_on_error=False)


def test_a_release_records_spent_and_remaining_budget_and_the_check_passes(tmp_path):
    policy = write_policy(tmp_path)
    instance = dg.DagsterInstance.get()
    result = materialize(policy, instance)
    assert result.success
    event = instance.get_latest_materialization_event(RELEASE)
    metadata = {key: value.value for key, value in event.asset_materialization.metadata.items()}
    assert metadata["epsilon_spent"] == 3.0 and metadata["epsilon_remaining"] == 2.0
    assert metadata["epsilon_released"] == 3.0 and metadata["dataset"] == "visits"
    assert metadata["dagster/row_count"] == 16 and len(metadata["table_sha256"]) == 64
    assert metadata["released_table"].splitlines()[0] == "| query | city | bin | value | ci_low | ci_high | epsilon |"
    [check] = result.get_asset_check_evaluations()
    assert check.passed and check.check_name == "budget_not_exceeded"
    assert check.metadata["epsilon_spent"].value == 3.0 and check.metadata["epsilon_budget"].value == 5.0


def test_a_release_past_the_budget_fails_the_step_and_writes_nothing(tmp_path):
    policy = write_policy(tmp_path)
    instance = dg.DagsterInstance.get()
    assert materialize(policy, instance).success
    (tmp_path / "out" / "aggregates.csv").unlink()
    second = materialize(policy, instance)
    assert not second.success
    failure = next(event for event in second.all_events if event.is_step_failure)
    error_class, message = our_error(failure.step_failure_data.error)
    assert error_class == "BudgetExhausted" and message.endswith("; nothing released")
    assert not (tmp_path / "out" / "aggregates.csv").exists()


def test_the_asset_is_registered_only_for_policies_with_aggregates(tmp_path, adult_policy_file):
    assert dp_definitions(DatasetSpec.load(str(adult_policy_file()))) == ([], [])
    defs = build_definitions([str(write_policy(tmp_path))])
    node = defs.resolve_asset_graph().get(RELEASE)
    assert node.group_name == f"visits_{DP_GROUP}" and node.automation_condition is None
    assert RELEASE not in defs.resolve_job_def("anonymize_visits").asset_layer.selected_asset_keys
