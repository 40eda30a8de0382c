"""The Spark engine (`engine: spark`): the same policy, optimum, checks and report, with the rows in Spark.

Only histograms of distinct tuples come to the driver, where the unchanged search and risk models
run over them; the chosen recoding goes back to the rows by broadcast joins, and the protection
operators run on executors through `mapInArrow`. No Dagster import here
(`orchestration.spark_resources` wires it).

>>> from anonymization_pipeline.core.spark import anonymize_spark, spark_session
>>> result = anonymize_spark(spark_session().read.parquet("users.parquet"), policy)  # doctest: +SKIP
"""

from anonymization_pipeline.core.spark.pipeline import SparkResult, anonymize_spark, assess_spark, publish_spark, run_spark
from anonymization_pipeline.core.spark.reading import read_location
from anonymization_pipeline.core.spark.session import java_available, spark_session
from anonymization_pipeline.core.spark.writing import write_location

__all__ = ["SparkResult", "anonymize_spark", "assess_spark", "publish_spark", "java_available", "read_location", "run_spark", "spark_session", "write_location"]
