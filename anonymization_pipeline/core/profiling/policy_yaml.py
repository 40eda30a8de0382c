"""A complete policy file from a profile: valid as written, commented with the evidence.

The policy reads the profiled input, writes `out/<dataset>.parquet` next to the policy file,
rejects unlisted columns and asks for k = 5 when there are quasi-identifiers. It is validated with
the same model `anonymize validate` uses before it is returned, so a suggestion never fails to load.
"""

from __future__ import annotations

import re
from pathlib import Path
from collections.abc import Mapping
from typing import Any

import yaml

from anonymization_pipeline.core.io import AnyLocation
from anonymization_pipeline.core.io.csv_dialect import sniff_delimiter
from anonymization_pipeline.core.policy import FieldClass, Policy
from anonymization_pipeline.core.policy.model import CsvLocation, ParquetLocation
from anonymization_pipeline.core.profiling.category_hierarchy import write_tables
from anonymization_pipeline.core.profiling.protection import protection
from anonymization_pipeline.core.profiling.table_profile import TableProfile

DEFAULT_K = 5
HEADER = """\
# Suggested by `anonymize profile` from {source}:
# {sample} values sampled per column (seed {seed}) from the first {rows} rows.
# Each field's comment gives the detected kind, the confidence (0-1) and the evidence.
# Review every field before publishing: the profiler proposes, you decide.
"""


def dataset_name(location: AnyLocation) -> str:
    """A dataset name from the input: the file's stem or the table's name, as a plain identifier.

    >>> dataset_name(CsvLocation(format="csv", path="data/Users 2024.csv"))
    'users_2024'
    """
    raw = location.path.stem if isinstance(location, CsvLocation | ParquetLocation) else (location.table or "dataset")
    return re.sub(r"[^a-z0-9_]+", "_", raw.lower()).strip("_") or "dataset"


def suggested_policy(
    profile: TableProfile, location: AnyLocation, tables: Mapping[str, str] | None = None, base_dir: Path | None = None
) -> dict[str, Any]:
    """The policy as data, validated; raises PolicyError only on a bug of the profiler.

    `tables` maps columns to hierarchy files already written (relative to `base_dir`, the policy's
    folder): those columns get `{table: FILE}` instead of the value-or-`*` hierarchy."""
    name = dataset_name(location)
    fields = {column.name: protection(column, sample) for column, sample in zip(profile.columns, profile.samples)}
    for column, path in (tables or {}).items():
        fields[column]["hierarchy"] = {"table": path}
    policy: dict[str, Any] = {
        "version": 1,
        "dataset": {
            "name": name,
            "input": _input_spec(location),
            "output": {"format": "parquet", "path": f"out/{name}.parquet"},
        },
        "unlisted_columns": "reject",
        "fields": fields,
    }
    if any(entry["class"] == FieldClass.QUASI_IDENTIFIER.value for entry in fields.values()):
        policy["privacy"] = {"k": DEFAULT_K}
    Policy.model_validate(policy, context={"base_dir": base_dir or Path.cwd()})
    return policy


def _input_spec(location: AnyLocation) -> dict[str, Any]:
    """The input as a policy names it; a CSV file's delimiter written out as detected, so the
    policy says how its input is read."""
    spec = location.model_dump(mode="json", exclude_defaults=True)
    if isinstance(location, CsvLocation) and "delimiter" not in location.model_fields_set and location.path.is_file():
        delimiter = sniff_delimiter(location.path, location.encoding, location.quotechar)
        if delimiter != location.delimiter:
            spec["delimiter"] = delimiter
    return spec


def policy_yaml(profile: TableProfile, location: AnyLocation, policy_path: Path | None = None) -> str:
    """The suggested policy as YAML, one line per field under a comment with its evidence.

    With `policy_path` (where the YAML will be written), categorical quasi-identifiers get their
    frequency-grouped hierarchy tables written beside it; on standard output there is no folder to
    put them in, and those columns keep the value-or-`*` hierarchy."""
    tables = write_tables(profile.categories, policy_path) if policy_path is not None else None
    policy = suggested_policy(profile, location, tables, policy_path.parent if policy_path is not None else None)
    lines = [
        HEADER.format(source=profile.source, sample=profile.sample_size, seed=profile.seed, rows=profile.rows_read),
        f"version: {policy['version']}",
        "dataset:",
        f"  name: {_flow(policy['dataset']['name'])}",
        f"  input: {_flow(policy['dataset']['input'])}",
        f"  output: {_flow(policy['dataset']['output'])}",
        f"unlisted_columns: {policy['unlisted_columns']}",
        "fields:",
    ]
    for column in profile.columns:
        evidence = "; ".join(column.evidence)
        lines.append(f"  # {column.kind.value}, confidence {column.confidence:.2f}: {_comment(evidence)}")
        lines.append(f"  {_flow(column.name)}: {_flow(policy['fields'][column.name])}")
    if "privacy" in policy:
        lines.append("privacy:")
        lines.append(f"  k: {policy['privacy']['k']}")
    return "\n".join(lines) + "\n"


def _flow(value: Any) -> str:
    """One YAML value on one line, quoted where YAML needs it."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000, allow_unicode=True, sort_keys=False)
    return text.strip().removesuffix("...").strip()


def _comment(text: str) -> str:
    return " ".join(text.split())
