"""Policies over the bundled Adult data, as ARX's reference cases set them up (tests only)."""

from __future__ import annotations

from typing import Any

from anonymization_pipeline.core.datasets.adult import ADULT_QUASI_IDENTIFIERS, adult_hierarchy_path
from anonymization_pipeline.core.policy.model import Policy


def adult_policy(privacy: dict[str, Any], quasi_identifiers: list[str] = ADULT_QUASI_IDENTIFIERS, sensitive: str | None = None) -> Policy:
    """All listed columns as quasi-identifiers with ARX's hierarchies; `sensitive` kept raw, with
    ARX's hierarchy too (hierarchical t-closeness reads it)."""
    fields: dict[str, Any] = {
        column: {"class": "quasi_identifier", "hierarchy": {"table": str(adult_hierarchy_path(column))}}
        for column in quasi_identifiers
    }
    for column in ADULT_QUASI_IDENTIFIERS:
        if column not in fields:
            fields[column] = {"class": "sensitive" if column == sensitive else "non_sensitive", "method": "keep"}
    if sensitive is not None:
        fields[sensitive]["hierarchy"] = {"table": str(adult_hierarchy_path(sensitive))}
    return Policy.model_validate(
        {
            "version": 1,
            "dataset": {"name": "adult", "input": {"format": "csv", "path": "/data/adult.csv"}, "output": {"format": "parquet", "path": "/out/adult.parquet"}},
            "fields": fields,
            "privacy": privacy,
        }
    )
