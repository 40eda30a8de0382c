"""The classify stage: match the input's columns to the policy, failing closed.

A column the policy does not mention is never published as is: it is rejected (the default) or
dropped, and either way the decision is recorded.
"""

from __future__ import annotations

from typing import Any

from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.policy import Policy


def classify_fields(columns: list[str], policy: Policy) -> dict[str, Any]:
    """Which class and method each column gets, and which unlisted columns are dropped.

    >>> classify_fields(["age"], policy)["fields"]["age"]["class"]  # doctest: +SKIP
    'quasi_identifier'
    """
    missing = [name for name in policy.fields if name not in columns]
    if missing:
        raise InputDataError(f"the input lacks {_columns(missing)} named in the policy")
    unlisted = [name for name in columns if name not in policy.fields]
    if unlisted and policy.unlisted_columns == "reject":
        raise InputDataError(
            f"the input has {_columns(unlisted)} that the policy does not mention; "
            "add them to 'fields' or set 'unlisted_columns: drop'"
        )
    return {
        "fields": {
            name: {
                "class": field.field_class.value,
                "method": field.effective_method,
                "params": field.params,
            }
            for name, field in policy.fields.items()
        },
        "dropped_unlisted": unlisted,
    }


def _columns(names: list[str]) -> str:
    return ("column " if len(names) == 1 else "columns ") + ", ".join(repr(name) for name in names)
