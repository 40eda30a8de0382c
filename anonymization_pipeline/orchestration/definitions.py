"""The code location: assembles assets, checks, jobs, schedules, sensors and resources; nothing else.

The stages form one chain, so runs execute in one process: a process per step would only add
seconds of start-up to each stage.

`ANONYMIZER_POLICY` names the policy this location runs (default: the users demo), and
`ANONYMIZER_STORAGE_DIR` where intermediate stage tables live (default: under DAGSTER_HOME). The
policy is read when the location loads, because an input that arrives by day gives the graph a
partitioned first stage.
"""

from __future__ import annotations

import os

import dagster as dg

from anonymization_pipeline.core.policy import load_policy
from anonymization_pipeline.orchestration.asset_graph import pipeline_assets
from anonymization_pipeline.orchestration.checks import PIPELINE_CHECKS
from anonymization_pipeline.orchestration.environment import build_resources
from anonymization_pipeline.orchestration.jobs import anonymization_job
from anonymization_pipeline.orchestration.schedules import build_daily_schedule, stage_automation
from anonymization_pipeline.orchestration.sensors import build_escalation_sensor


def build_definitions(policy_path: str) -> dg.Definitions:
    policy = load_policy(policy_path)
    if policy.engine == "spark":
        from anonymization_pipeline.orchestration.spark_resources import spark_definitions

        return spark_definitions(policy_path)
    return dg.Definitions(
        assets=pipeline_assets(policy),
        asset_checks=PIPELINE_CHECKS,
        jobs=[anonymization_job],
        schedules=[build_daily_schedule(anonymization_job, policy)],
        sensors=[build_escalation_sensor(anonymization_job), stage_automation],
        executor=dg.in_process_executor,
        resources=build_resources(policy_path=policy_path),
    )


defs = build_definitions(os.environ.get("ANONYMIZER_POLICY", "examples/users/policy.yaml"))
