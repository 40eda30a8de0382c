"""The Spark session the engine runs in: local mode on one machine, any cluster in deployment.

Where Spark runs is the environment's choice, never the policy's: `SPARK_REMOTE` (a Spark
Connect address, `sc://host:15002`) or `ANONYMIZER_SPARK_MASTER` (`spark://host:7077`, `yarn`,
`k8s://...`; default `local[*]`). Extra settings come from `spark-defaults.conf` as usual. Spark's
own logging is kept at WARN, and the engine never logs data.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings

from pyspark.sql import SparkSession

from anonymization_pipeline.core.errors import ConfigurationError

MASTER_VARIABLE = "ANONYMIZER_SPARK_MASTER"
REMOTE_VARIABLE = "SPARK_REMOTE"
PYTHON_VARIABLE = "PYSPARK_PYTHON"
DEFAULT_MASTER = "local[*]"
LOG_LEVEL = "WARN"
APP_NAME = "anonymization_pipeline"

ENGINE_SETTINGS = {
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.showConsoleProgress": "false",
}
"""Settings the engine relies on wherever it runs: Arrow transfers, UTC so dates read alike, no progress bars on the console."""


def java_available() -> bool:
    """Whether a Java runtime is reachable (local mode starts a JVM; Spark Connect does not need one).

    >>> isinstance(java_available(), bool)
    True
    """
    home = os.environ.get("JAVA_HOME")
    return bool(home and os.path.exists(os.path.join(home, "bin", "java"))) or shutil.which("java") is not None


def use_this_interpreter() -> None:
    """Make local Python workers run this interpreter (with this package), unless PYSPARK_PYTHON says otherwise.

    >>> use_this_interpreter(); os.environ[PYTHON_VARIABLE] != ""
    True
    """
    os.environ.setdefault(PYTHON_VARIABLE, sys.executable)


def spark_session(master: str | None = None, settings: dict[str, str] | None = None) -> SparkSession:
    """The active session, or a new one for `master` (else the environment's, else `local[*]`).

    Raises ConfigurationError when local mode is asked for and no Java runtime is installed.

    >>> spark_session("local[2]", {"spark.sql.shuffle.partitions": "4"}).conf.get("spark.sql.shuffle.partitions")  # doctest: +SKIP
    '4'
    """
    # PySpark 4 warns on every conversion under pandas 3, which this engine is tested with
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    remote = os.environ.get(REMOTE_VARIABLE)
    builder = SparkSession.builder.appName(APP_NAME)
    if remote and master is None:
        builder = builder.remote(remote)
    else:
        if not java_available():
            raise ConfigurationError("engine spark: no Java runtime found (install Java 17 or set JAVA_HOME, or set SPARK_REMOTE)")
        use_this_interpreter()
        builder = builder.master(master or os.environ.get(MASTER_VARIABLE, DEFAULT_MASTER))
    for name, value in {**ENGINE_SETTINGS, **(settings or {})}.items():
        builder = builder.config(name, value)
    session = builder.getOrCreate()
    if not remote or master is not None:
        session.sparkContext.setLogLevel(LOG_LEVEL)
    return session
