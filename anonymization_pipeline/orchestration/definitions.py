"""The code location: every policy in a folder becomes its own dataset (a `PolicyComponent`):
prefixed assets in their own group, checks, job, schedule and escalation sensor. This module only
assembles them with the shared resources.

Which policies: `ANONYMIZER_POLICY` (one file), else every `*.yaml` in the folder
`ANONYMIZER_POLICIES` names, else the folder the project file (`anonymizer.yaml`, written by
`anonymize init`) names, else `examples/policies`. The policies are read when the location
loads, because they decide the graph (an input that arrives by day has a partitioned first stage).

The stages form one chain per dataset, so runs execute in one process: a process per step would
only add seconds of start-up to each stage.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from anonymization_pipeline.core.project import POLICIES_VARIABLE, apply_project, policy_files
from anonymization_pipeline.orchestration.dataset import load_datasets
from anonymization_pipeline.orchestration.environment import shared_resources
from anonymization_pipeline.orchestration.policy_component import PolicyComponent
from anonymization_pipeline.orchestration.schedules import stage_automation

POLICY_VARIABLE = "ANONYMIZER_POLICY"
DEFAULT_POLICIES = Path("examples/policies")


def build_definitions(policy_paths: list[str], storage_dir: Path | None = None) -> dg.Definitions:
    specs = load_datasets(policy_paths)
    datasets = [dg.build_defs_for_component(PolicyComponent(policy=str(Path(spec.policy_path).resolve()))) for spec in specs]
    shared = dg.Definitions(
        sensors=[stage_automation], executor=dg.in_process_executor, resources=shared_resources(storage_dir)
    )
    return dg.Definitions.merge(*datasets, shared)


def location_policies() -> list[str]:
    apply_project()
    if os.environ.get(POLICY_VARIABLE):
        return [os.environ[POLICY_VARIABLE]]
    return policy_files(Path(os.environ.get(POLICIES_VARIABLE, DEFAULT_POLICIES)))


defs = build_definitions(location_policies())
