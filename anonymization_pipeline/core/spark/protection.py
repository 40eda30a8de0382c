"""The row-local protection operators, run on Spark's executors by `mapInArrow`.

Each Arrow batch becomes a pandas frame and goes through the very function the pandas engine
uses (`stages._apply_operators`), so every operator keeps one implementation. Keys travel only as
the subkeys the operators derive (see `subkeys`). A seeded operator gets a seed per batch derived
from its own, the partition and the batch, so batches draw independent noise and a rerun on the
same partitioning draws the same. The audit counts of each batch ride in one extra column, on the
batch's first row, and are summed on the driver (per-batch averages, which do not add up, are left
out of the audit).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
from pyspark import TaskContext
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.pandas.types import from_arrow_schema

from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.core.keys import KeyProvider
from anonymization_pipeline.core.pipeline.stages import _apply_operators
from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.spark.subkeys import RecordingKeys, ShippedKeys

STATS = "__anonymizer_stats"
SAMPLE_ROWS = 256
SEED = "seed"
NOT_ROW_LOCAL = {"swap": "it exchanges values between rows"}


def protect_columns(frame: DataFrame, policy: Policy, columns: list[str], keys: KeyProvider | None) -> DataFrame:
    """`frame` with the operators of `columns` applied (lazily), plus the `STATS` column.

    Raises ConfigurationError for an operator that needs more than one row, the vault or a key's
    own material (Fernet), and whatever the operators raise on the driver's sample.

    >>> protected = protect_columns(raw, policy, ["email", "user_id"], keys)  # doctest: +SKIP
    >>> operator_stats(protected)["email"]["changed"]  # doctest: +SKIP
    30162
    """
    _refuse_unsupported(policy, columns)
    recording = RecordingKeys(keys if keys is not None else KeyProvider.from_environment())
    sample = frame.limit(SAMPLE_ROWS).toArrow()
    protected, _ = _apply_operators(sample.to_pandas(), policy, columns, recording)
    schema = _output_schema(sample.schema, pa.Table.from_pandas(protected, preserve_index=False).schema, list(protected.columns))
    batches = _BatchProtector(policy, columns, recording.shipped(), schema)
    return frame.mapInArrow(batches, from_arrow_schema(schema))


def operator_stats(frame: DataFrame) -> dict[str, dict]:
    """The audit record of `protect_columns`: per column its method and counts over all batches."""
    merged: dict[str, dict] = {}
    for row in frame.where(F.col(STATS).isNotNull()).select(STATS).collect():
        for name, stats in json.loads(row[0]).items():
            _merge(merged.setdefault(name, {}), stats)
    return merged


def _merge(total: dict, stats: dict) -> None:
    for key, value in stats.items():
        if isinstance(value, int) and not isinstance(value, bool):
            total[key] = total.get(key, 0) + value
        elif not isinstance(value, float) and value is not None:
            total.setdefault(key, value)


def _refuse_unsupported(policy: Policy, columns: list[str]) -> None:
    for name in columns:
        field = policy.fields[name]
        method = field.effective_method
        reason = NOT_ROW_LOCAL.get(method)
        if field.params.get("vault"):
            reason = "the vault is written from one process"
        if method in ("encrypt", "decrypt") and field.params.get("scheme") == "fernet":
            reason = "Fernet needs the key itself on every executor; use scheme: aes"
        if reason:
            raise ConfigurationError(f"fields.{name}: method '{method}' cannot run on engine spark ({reason}); use engine pandas")


def _output_schema(source: pa.Schema, protected: pa.Schema, columns: list[str]) -> pa.Schema:
    """Untouched columns keep Spark's type, protected ones take their operator's (text when unknown)."""
    fields = []
    for name in columns:
        field = protected.field(name)
        if pa.types.is_null(field.type) or pa.types.is_large_string(field.type):
            field = field.with_type(pa.string())
        if name in source.names and source.field(name).type == field.type:
            field = source.field(name)
        fields.append(field.with_nullable(True))
    return pa.schema([*fields, pa.field(STATS, pa.string())])


def _plain(value: object) -> object:
    """A numpy scalar in an operator's counts, as the Python number JSON can hold."""
    return value.item() if hasattr(value, "item") else str(value)


class _BatchProtector:
    """What runs on an executor: the policy, the columns, the shipped subkeys and the output schema."""

    def __init__(self, policy: Policy, columns: list[str], keys: ShippedKeys, schema: pa.Schema):
        self.policy = policy
        self.columns = columns
        self.keys = keys
        self.schema = schema

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        context = TaskContext.get()
        partition = context.partitionId() if context is not None else 0
        for index, batch in enumerate(batches):
            if batch.num_rows == 0:
                continue
            policy = self._seeded(partition, index)
            protected, applied = _apply_operators(batch.to_pandas(), policy, self.columns, self.keys)
            table = pa.Table.from_pandas(protected, preserve_index=False)
            stats = pa.array([json.dumps(applied, default=_plain), *([None] * (batch.num_rows - 1))], type=pa.string())
            yield from table.append_column(STATS, stats).select(self.schema.names).cast(self.schema).to_batches()

    def _seeded(self, partition: int, index: int) -> Policy:
        """The policy with each seed replaced by one drawn from (seed, partition, batch)."""
        fields = dict(self.policy.fields)
        for name in self.columns:
            field = fields[name]
            if SEED in field.params:
                seed = int(np.random.SeedSequence([field.params[SEED], partition, index]).generate_state(1)[0])
                fields[name] = field.model_copy(update={"params": {**field.params, SEED: seed}})
        return self.policy.model_copy(update={"fields": fields})
