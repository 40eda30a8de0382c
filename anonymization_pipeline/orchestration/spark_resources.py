"""The Spark engine in Dagster: one asset run through `dagster-pyspark`'s session resource.

A policy with `engine: spark` keeps its rows in Spark from input to output, so the stages are not
separate assets passing tables (that would pull every row to the driver): one asset,
`anonymized_dataset`, runs them all through `core.spark.run_spark` and publishes the same audit
metadata and report as the pandas graph's last asset. Where Spark runs is the resource's
configuration (`spark.master`, or `SPARK_REMOTE` for Spark Connect), not the policy's.
"""

import os
from typing import Any

import dagster as dg
from dagster_pyspark import PySparkResource

from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.spark import run_spark
from anonymization_pipeline.core.spark.session import DEFAULT_MASTER, ENGINE_SETTINGS, LOG_LEVEL, MASTER_VARIABLE, use_this_interpreter
from anonymization_pipeline.orchestration.assets import audit_metadata, stage_policy
from anonymization_pipeline.orchestration.environment import build_resources
from anonymization_pipeline.orchestration.resources import KeysResource, PipelineSettings

SPARK_GROUP = "anonymization_spark"


def spark_configuration(master: str | None = None) -> dict[str, Any]:
    """The `spark_config` of the session resource: the engine's settings and the master.

    >>> spark_configuration("local[2]")["spark.master"]
    'local[2]'
    """
    return {"spark.master": master or os.environ.get(MASTER_VARIABLE, DEFAULT_MASTER), "spark.app.name": "anonymization_pipeline", **ENGINE_SETTINGS}


@dg.asset(name="anonymized_dataset", group_name=SPARK_GROUP, kinds={"spark", "parquet"})
def spark_anonymized_dataset(
    context: dg.AssetExecutionContext, settings: PipelineSettings, keys: KeysResource, pyspark: PySparkResource
) -> dg.MaterializeResult:
    """Every stage on Spark, then the atomic publish, only past the write–audit–publish gate."""
    policy: Policy = stage_policy(context, settings)
    spark = pyspark.spark_session
    spark.sparkContext.setLogLevel(LOG_LEVEL)
    report = run_spark(
        spark,
        policy,
        settings.input_location(policy),
        settings.output_location(policy),
        settings.report_directory(policy),
        keys.provider(),
    )
    return dg.MaterializeResult(metadata=audit_metadata(context, policy, report))


def spark_definitions(policy_path: str, master: str | None = None) -> dg.Definitions:
    """The code location of a policy with `engine: spark`.

    >>> spark_definitions("examples/users/policy.yaml").resolve_asset_graph().get_all_asset_keys()  # doctest: +SKIP
    {AssetKey(['anonymized_dataset'])}
    """
    resources = build_resources(policy_path=policy_path)
    use_this_interpreter()
    return dg.Definitions(
        assets=[spark_anonymized_dataset],
        resources={
            "settings": resources["settings"],
            "keys": resources["keys"],
            "pyspark": PySparkResource(spark_config=spark_configuration(master)),
        },
    )
