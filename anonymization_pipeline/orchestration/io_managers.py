"""Explicit IO managers for every asset: personal data never goes through Dagster's pickling default.

Stage tables are Parquet files whose schema metadata carries the audit records, so a stage loaded
in a later run still knows what was done before it; the field classification and the risk
assessment are JSON. Every file is sealed (AES-256-GCM under the `storage` key) and written
atomically: the assessment's verdict decides what is published, so it must be as tamper-proof as
the tables it judges.

Stage files are private to the run that wrote them: they live under `runs/<run id>/` and are
sealed to the run id, the dataset and the full asset key, so two runs at once on one instance
never read each other's stages, and a file copied into another run's place does not open. A run
reads an upstream stage it did not materialize itself from the run that Dagster records as the
latest materialization of that asset (the escalation's parent, or the run a partial
materialization in the UI builds on). Partitions (days of an input that arrives by day) are inputs
kept across runs, so they are stored per dataset and day instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from anonymization_pipeline.core.at_rest import STORAGE_KEY, seal, unseal
from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.io.atomic_files import atomic_output
from anonymization_pipeline.core.pipeline import StageOutput
from anonymization_pipeline.orchestration.resources import KeysResource

AUDITS_KEY = b"anonymization_pipeline.audits"
SEALED_SUFFIX = ".parquet.sealed"
SEALED_JSON_SUFFIX = ".json.sealed"
RUNS_FOLDER = "runs"


class _SealedAssetIOManager(dg.ConfigurableIOManager):
    """Where each stored output lives and what it is sealed to; subclasses say how to encode it."""

    base_dir: str
    key_store: KeysResource

    def _write(self, context: dg.OutputContext, payload: bytes, suffix: str) -> Path:
        partition = context.asset_partition_key if context.has_asset_partitions else None
        run_id = None if partition is not None else context.run_id
        path = self._path(context.asset_key, suffix, run_id, partition)
        key = self.key_store.provider().primary(STORAGE_KEY)
        with atomic_output(path) as temporary:
            temporary.chmod(0o600)
            temporary.write_bytes(seal(payload, key, self._bound_to(context.asset_key, run_id, partition)))
        context.add_output_metadata({"path": dg.MetadataValue.path(str(path)), "encrypted_with": key.key_id})
        return path

    def _read(self, asset_key: dg.AssetKey, suffix: str, run_id: str | None, partition: str | None) -> bytes:
        path = self._path(asset_key, suffix, run_id, partition)
        if not path.exists():
            raise InputDataError(
                f"{asset_key.to_user_string()} is not stored for "
                + (f"day {partition}" if partition is not None else f"run {run_id}")
                + ": materialize it again (stage files are removed after retention.intermediate)"
            )
        return unseal(path.read_bytes(), self.key_store.provider(), self._bound_to(asset_key, run_id, partition), str(path))

    def _writer_run(self, context: dg.InputContext, suffix: str) -> str:
        """This run, when it materialized the upstream stage; otherwise the run Dagster records
        as the stage's latest materialization."""
        own = context.step_context.run_id
        if self._path(context.asset_key, suffix, own, None).exists():
            return own
        latest = context.instance.get_latest_materialization_event(context.asset_key)
        if latest is None:
            raise InputDataError(f"{context.asset_key.to_user_string()} has never been materialized: materialize it first")
        return latest.run_id

    def _path(self, key: dg.AssetKey, suffix: str, run_id: str | None, partition: str | None) -> Path:
        """`runs/<run id>/<asset key path><suffix>`, or `<asset key path>/<partition><suffix>`."""
        if partition is not None:
            return Path(self.base_dir).joinpath(*key.path, partition + suffix)
        folder = Path(self.base_dir, RUNS_FOLDER, run_id).joinpath(*key.path)
        return folder.with_name(folder.name + suffix)

    def _bound_to(self, key: dg.AssetKey, run_id: str | None, partition: str | None) -> str:
        return sealed_to(key.path[0], key, run_id, partition)


def sealed_to(dataset: str, key: dg.AssetKey, run_id: str | None, partition: str | None) -> str:
    """What a stored output is sealed to (its AEAD associated data): dataset (the asset key's
    prefix), run or day, asset."""
    where = f"day {partition}" if partition is not None else f"run {run_id}"
    return f"dataset {dataset}, {where}, asset {key.to_user_string()}"


class StageParquetIOManager(_SealedAssetIOManager):
    """StageOutput ↔ sealed Parquet, audits in the metadata.

    An unpartitioned stage reading a partitioned one gets every partition stored so far, as
    {partition: StageOutput}.
    """

    def handle_output(self, context: dg.OutputContext, obj: StageOutput) -> None:
        table = pa.Table.from_pandas(obj.frame, preserve_index=False)
        metadata = {**(table.schema.metadata or {}), AUDITS_KEY: json.dumps(obj.audits).encode()}
        buffer = pa.BufferOutputStream()
        pq.write_table(table.replace_schema_metadata(metadata), buffer)
        self._write(context, buffer.getvalue().to_pybytes(), SEALED_SUFFIX)
        context.add_output_metadata({"dagster/row_count": len(obj.frame)})

    def load_input(self, context: dg.InputContext) -> StageOutput | dict[str, StageOutput]:
        if not context.has_asset_partitions:
            run_id = self._writer_run(context, SEALED_SUFFIX)
            return _stage_output(self._read(context.asset_key, SEALED_SUFFIX, run_id, None))
        stored = [
            partition
            for partition in context.asset_partition_keys
            if self._path(context.asset_key, SEALED_SUFFIX, None, partition).exists()
        ]
        return {
            partition: _stage_output(self._read(context.asset_key, SEALED_SUFFIX, None, partition))
            for partition in stored
        }


def _stage_output(plaintext: bytes) -> StageOutput:
    table = pq.read_table(pa.BufferReader(plaintext))
    audits = json.loads((table.schema.metadata or {}).get(AUDITS_KEY, b"{}"))
    return StageOutput(table.to_pandas(), audits)


class JsonIOManager(_SealedAssetIOManager):
    """Sealed JSON for small results that hold figures and names only, and decide what happens next.
    A typed result (a pydantic model, such as the risk assessment) is written as its JSON data and
    read back as the model the consuming asset or check declares."""

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        data = obj.model_dump(mode="json") if isinstance(obj, BaseModel) else obj
        self._write(context, json.dumps(data, default=str).encode(), SEALED_JSON_SUFFIX)

    def load_input(self, context: dg.InputContext) -> Any:
        run_id = self._writer_run(context, SEALED_JSON_SUFFIX)
        data = json.loads(self._read(context.asset_key, SEALED_JSON_SUFFIX, run_id, None))
        declared = context.dagster_type.typing_type if context.dagster_type else None
        if isinstance(declared, type) and issubclass(declared, BaseModel):
            return declared.model_validate(data)
        return data
