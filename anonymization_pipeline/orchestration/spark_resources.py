"""The Spark engine in Dagster: one asset run through `dagster-pyspark`'s session resource.

A policy with `engine: spark` keeps its rows in Spark from input to output, so the stages are not
separate assets passing tables (that would pull every row to the driver): one asset,
`anonymized_dataset`, runs them all through `core.spark` and publishes the same audit metadata,
plottable figures and report as the pandas graph's last asset. Its checks are the pandas graph's
(one per target, and the release's), recorded before the write–audit–publish gate, so a refused
run shows which target failed; the dataset has its job, schedule and escalation sensor as a pandas
one does. Where Spark runs is the resource's configuration (`spark.master`, or `SPARK_REMOTE` for
Spark Connect), not the policy's.
"""

import os
from collections.abc import Iterator
from typing import Any

import dagster as dg
from dagster_pyspark import PySparkResource

from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.spark import assess_spark, publish_spark
from anonymization_pipeline.core.spark.session import DEFAULT_MASTER, ENGINE_SETTINGS, LOG_LEVEL, MASTER_VARIABLE, use_this_interpreter
from anonymization_pipeline.orchestration.assets import ANONYMIZED_DATASET, audit_metadata, dataset_settings, stage_policy, trend_figures
from anonymization_pipeline.orchestration.checks import (
    release_check_results,
    release_check_specs,
    target_check_results,
    target_check_specs,
)
from anonymization_pipeline.orchestration.dataset import DatasetSpec
from anonymization_pipeline.orchestration.environment import dataset_settings_resources
from anonymization_pipeline.orchestration.failures import one_line_failures
from anonymization_pipeline.orchestration.jobs import build_job
from anonymization_pipeline.orchestration.schedules import build_schedule
from anonymization_pipeline.orchestration.sensors import build_escalation_sensor


def spark_configuration(master: str | None = None) -> dict[str, Any]:
    """The `spark_config` of the session resource: the engine's settings and the master.

    >>> spark_configuration("local[2]")["spark.master"]
    'local[2]'
    """
    return {"spark.master": master or os.environ.get(MASTER_VARIABLE, DEFAULT_MASTER), "spark.app.name": "anonymization_pipeline", **ENGINE_SETTINGS}


def spark_dataset_definitions(spec: DatasetSpec, master: str | None = None) -> dg.Definitions:
    """A dataset whose policy says `engine: spark`: one asset, `<dataset>/anonymized_dataset`, with
    its own Spark session resource (`<dataset>_pyspark`).

    >>> spark_dataset_definitions(DatasetSpec.load("policy.yaml")).resolve_asset_graph().get_all_asset_keys()  # doctest: +SKIP
    {AssetKey(['users', 'anonymized_dataset'])}
    """
    session_key = f"{spec.name}_pyspark"
    key = spec.key(ANONYMIZED_DATASET)

    @dg.asset(
        key=key,
        group_name=spec.name,
        kinds={"spark", "parquet"},
        owners=list(spec.policy.owners),
        tags=spec.tags,
        required_resource_keys={spec.settings_key, "keys", session_key},
        check_specs=[*target_check_specs(spec, key), *release_check_specs(spec, key)],
    )
    def spark_anonymized_dataset(context: dg.AssetExecutionContext) -> Iterator[Any]:
        """Every stage on Spark, the checks, then the atomic publish, only past the write–audit–publish gate."""
        with one_line_failures():
            settings = dataset_settings(context, spec)
            policy: Policy = stage_policy(context, spec)
            spark = getattr(context.resources, session_key).spark_session
            spark.sparkContext.setLogLevel(LOG_LEVEL)
            report_dir = settings.report_directory(policy)
            context.log.info(f"reading, protecting, generalizing and assessing {spec.name} on Spark")
            result = assess_spark(spark, policy, settings.input_location(policy), report_dir, context.resources.keys.provider())
        yield from target_check_results(spec, key, result.assessment)
        yield from release_check_results(spec, key, result.assessment)
        with one_line_failures():
            report = publish_spark(result, settings.output_location(policy), report_dir)
        context.log.info(f"published {report['rows']['rows_published']} rows")
        yield dg.MaterializeResult(metadata=audit_metadata(context, policy, report) | trend_figures(report))

    use_this_interpreter()
    job = build_job(spec)
    return dg.Definitions(
        assets=[spark_anonymized_dataset],
        jobs=[job],
        schedules=[build_schedule(spec, job)],
        sensors=[build_escalation_sensor(spec, job)],
        resources={
            **dataset_settings_resources([spec]),
            session_key: PySparkResource(spark_config=spark_configuration(master)),
        },
    )
