"""Explicit IO managers for every asset: personal data never goes through Dagster's pickling default.

Stage tables are Parquet files, encrypted at rest, whose schema metadata carries the audit
records, so a stage loaded in a later run still knows what was done before it. Small non-personal results (the field
classification, the risk assessment) are JSON. Both write atomically.
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
from anonymization_pipeline.core.io.atomic_files import atomic_output
from anonymization_pipeline.core.pipeline import StageOutput
from anonymization_pipeline.orchestration.resources import KeysResource

AUDITS_KEY = b"anonymization_pipeline.audits"
SEALED_SUFFIX = ".parquet.sealed"


class _AssetFileIOManager(dg.ConfigurableIOManager):
    base_dir: str

    def _path(self, key: dg.AssetKey, suffix: str, partition: str | None = None) -> Path:
        """`<asset><suffix>`, or `<asset>/<partition><suffix>` for a partition."""
        folder = Path(self.base_dir).joinpath(*key.path)
        return folder / (partition + suffix) if partition is not None else folder.with_name(folder.name + suffix)


class StageParquetIOManager(_AssetFileIOManager):
    """StageOutput ↔ Parquet, sealed with AES-256-GCM under the `storage` key, audits in the metadata.

    A partition is sealed to its asset and partition, so one day's file cannot stand in for
    another's. An unpartitioned stage reading a partitioned one gets every partition stored so
    far, as {partition: StageOutput}.
    """

    key_store: KeysResource

    def handle_output(self, context: dg.OutputContext, obj: StageOutput) -> None:
        partition = context.asset_partition_key if context.has_asset_partitions else None
        path = self._path(context.asset_key, SEALED_SUFFIX, partition)
        table = pa.Table.from_pandas(obj.frame, preserve_index=False)
        metadata = {**(table.schema.metadata or {}), AUDITS_KEY: json.dumps(obj.audits).encode()}
        buffer = pa.BufferOutputStream()
        pq.write_table(table.replace_schema_metadata(metadata), buffer)
        key = self.key_store.provider().primary(STORAGE_KEY)
        with atomic_output(path) as temporary:
            temporary.chmod(0o600)
            temporary.write_bytes(seal(buffer.getvalue().to_pybytes(), key, _bound_to(context.asset_key, partition)))
        context.add_output_metadata(
            {
                "dagster/row_count": len(obj.frame),
                "path": dg.MetadataValue.path(str(path)),
                "encrypted_with": key.key_id,
            }
        )

    def load_input(self, context: dg.InputContext) -> StageOutput | dict[str, StageOutput]:
        if not context.has_asset_partitions:
            return self._load(context.asset_key, None)
        stored = [
            partition
            for partition in context.asset_partition_keys
            if self._path(context.asset_key, SEALED_SUFFIX, partition).exists()
        ]
        return {partition: self._load(context.asset_key, partition) for partition in stored}

    def _load(self, asset_key: dg.AssetKey, partition: str | None) -> StageOutput:
        path = self._path(asset_key, SEALED_SUFFIX, partition)
        plaintext = unseal(path.read_bytes(), self.key_store.provider(), _bound_to(asset_key, partition), name=str(path))
        table = pq.read_table(pa.BufferReader(plaintext))
        audits = json.loads((table.schema.metadata or {}).get(AUDITS_KEY, b"{}"))
        return StageOutput(table.to_pandas(), audits)


def _bound_to(asset_key: dg.AssetKey, partition: str | None) -> str:
    name = asset_key.to_user_string()
    return name if partition is None else f"{name}[{partition}]"


class JsonIOManager(_AssetFileIOManager):
    """JSON for small results that hold figures and names only. A typed result (a pydantic model,
    such as the risk assessment) is written as its JSON data and read back as the model the
    consuming asset or check declares."""

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        path = self._path(context.asset_key, ".json")
        data = obj.model_dump(mode="json") if isinstance(obj, BaseModel) else obj
        with atomic_output(path) as temporary:
            temporary.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
        context.add_output_metadata({"path": dg.MetadataValue.path(str(path))})

    def load_input(self, context: dg.InputContext) -> Any:
        data = json.loads(self._path(context.asset_key, ".json").read_text(encoding="utf-8"))
        declared = context.dagster_type.typing_type if context.dagster_type else None
        if isinstance(declared, type) and issubclass(declared, BaseModel):
            return declared.model_validate(data)
        return data
