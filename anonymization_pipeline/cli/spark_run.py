"""`anonymize run POLICY --engine spark` (or a policy with `engine: spark`): every stage on Spark.

The same locations, report folder and escalation ladder as the pandas run: each rung that misses
a target leaves its report under `report/assessments/<run id>` and the next rung is tried, up to
`retry.max_attempts`; only a passing rung publishes.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from anonymization_pipeline.core.errors import ConfigurationError, PrivacyTargetNotMet
from anonymization_pipeline.core.keys import KeyProvider
from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.spark import run_spark, spark_session
from anonymization_pipeline.orchestration.resources import PipelineSettings


def run_on_spark(args: argparse.Namespace, policy: Policy) -> int:
    """Run the policy's ladder on Spark and print the summary `anonymize run` prints."""
    from anonymization_pipeline.cli.run_command import _print_summary

    if args.dates or policy.dataset.daily_partitions is not None:
        raise ConfigurationError("engine spark reads its input whole; dataset.daily_partitions and --date need engine pandas")
    settings = PipelineSettings(policy_path=str(args.policy), input_uri=args.input, output_uri=args.output, report_dir=args.report)
    report_dir = settings.report_directory(policy)
    keys = KeyProvider.from_environment()
    spark = spark_session()
    report: dict[str, Any] | None = None
    for attempt in range(1, policy.retry.max_attempts + 1):
        rung = policy.at_rung(attempt - 1)
        try:
            report = run_spark(spark, rung, settings.input_location(rung), settings.output_location(rung), report_dir, keys)
            break
        except PrivacyTargetNotMet as refusal:
            if attempt == policy.retry.max_attempts:
                raise
            if not (args.quiet or args.json):
                print(f"  unmet: {refusal}", file=sys.stderr)
                print(f"escalating: attempt {attempt + 1}/{policy.retry.max_attempts}", file=sys.stderr)
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        _print_summary(report, report_dir, args)
    return 0
