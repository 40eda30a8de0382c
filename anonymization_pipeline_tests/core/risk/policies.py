"""Small policies for the risk tests, built in code."""

from __future__ import annotations

from typing import Any

from anonymization_pipeline.core.policy import Policy, validate_policy


def small_policy(qis: list[str], sensitive: list[str] = (), privacy: dict[str, Any] | None = None, risk: dict[str, Any] | None = None) -> Policy:
    """A policy with prefix-hierarchy quasi-identifiers and kept sensitive columns."""
    fields: dict[str, Any] = {name: {"class": "quasi_identifier", "hierarchy": {"prefix": [5, 0]}} for name in qis}
    fields.update({name: {"class": "sensitive", "method": "keep"} for name in sensitive})
    document = {
        "version": 1,
        "dataset": {"name": "small", "input": {"format": "csv", "path": "/in.csv"}, "output": {"format": "csv", "path": "/out.csv"}},
        "fields": fields,
        "privacy": privacy or {"k": 1},
    }
    if risk is not None:
        document["risk"] = risk
    return validate_policy(document)
