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
from anonymization_pipeline.orchestration.assets import audit_metadata, dataset_settings, stage_policy
from anonymization_pipeline.orchestration.dataset import DatasetSpec
from anonymization_pipeline.orchestration.environment import dataset_settings_resources


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

    @dg.asset(
        key=spec.key("anonymized_dataset"),
        group_name=spec.name,
        kinds={"spark", "parquet"},
        owners=list(spec.policy.owners),
        tags=spec.tags,
        required_resource_keys={spec.settings_key, "keys", session_key},
    )
    def spark_anonymized_dataset(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        """Every stage on Spark, then the atomic publish, only past the write–audit–publish gate."""
        settings = dataset_settings(context, spec)
        policy: Policy = stage_policy(context, spec)
        spark = getattr(context.resources, session_key).spark_session
        spark.sparkContext.setLogLevel(LOG_LEVEL)
        report = run_spark(
            spark,
            policy,
            settings.input_location(policy),
            settings.output_location(policy),
            settings.report_directory(policy),
            context.resources.keys.provider(),
        )
        return dg.MaterializeResult(metadata=audit_metadata(context, policy, report))

    use_this_interpreter()
    return dg.Definitions(
        assets=[spark_anonymized_dataset],
        resources={
            **dataset_settings_resources([spec]),
            session_key: PySparkResource(spark_config=spark_configuration(master)),
        },
    )
