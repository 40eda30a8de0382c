"""Which engine runs a policy's stages: pandas in this process, or Apache Spark.

The policy says only which engine; where Spark runs (`local[*]`, a cluster's `spark.master`, a
Spark Connect address) is the deployment's business, set in the environment
(see `anonymization_pipeline.core.spark.session`), never in the policy.
"""

from __future__ import annotations

from typing import Literal, get_args

Engine = Literal["pandas", "spark"]
"""`pandas`: every stage holds the table in one frame. `spark`: the rows stay in Spark; only the
histogram of distinct quasi-identifier tuples comes to the driver, where the same search runs."""

ENGINES: tuple[str, ...] = get_args(Engine)
