"""The code location: assembles assets, checks, jobs, schedules, sensors and resources; nothing else.

The stages form one chain, so runs execute in one process: a process per step would only add
seconds of start-up to each stage.

`ANONYMIZER_POLICY` names the policy this location runs (default: the users demo), and
`ANONYMIZER_STORAGE_DIR` where intermediate stage tables live (default: under DAGSTER_HOME).
"""

from __future__ import annotations

import os

import dagster as dg

from anonymization_pipeline.orchestration.assets import PIPELINE_ASSETS
from anonymization_pipeline.orchestration.checks import PIPELINE_CHECKS
from anonymization_pipeline.orchestration.environment import build_resources
from anonymization_pipeline.orchestration.jobs import anonymization_job
from anonymization_pipeline.orchestration.schedules import daily_anonymization, stage_automation
from anonymization_pipeline.orchestration.sensors import build_escalation_sensor

defs = dg.Definitions(
    assets=PIPELINE_ASSETS,
    asset_checks=PIPELINE_CHECKS,
    jobs=[anonymization_job],
    schedules=[daily_anonymization],
    sensors=[build_escalation_sensor(anonymization_job), stage_automation],
    executor=dg.in_process_executor,
    resources=build_resources(policy_path=os.environ.get("ANONYMIZER_POLICY", "examples/users/policy.yaml")),
)
