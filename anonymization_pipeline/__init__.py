"""Turn a table of personal data into data that can be shared, with enforced privacy targets.

>>> from anonymization_pipeline import Policy, anonymize
>>> result = anonymize(frame, Policy.from_yaml("policy.yaml"))  # doctest: +SKIP

The names are imported on first use, so `import anonymization_pipeline.core.x` stays cheap.
"""

import warnings
from typing import Any

warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
"""Great Expectations imports `pyspark.sql.connect`, which warns about pandas 3 on every import,
Spark run or not; on a terminal that is a stray line beside our one-line errors."""

__all__ = ["Policy", "Result", "anonymize", "synthesize"]


def __getattr__(name: str) -> Any:
    if name == "Policy":
        from anonymization_pipeline.core.policy import Policy

        return Policy
    if name in ("Result", "anonymize"):
        from anonymization_pipeline.core import pipeline

        return getattr(pipeline, name)
    if name == "synthesize":
        from anonymization_pipeline.core.synthetic import synthesize

        return synthesize
    raise AttributeError(f"module 'anonymization_pipeline' has no attribute {name!r}")
