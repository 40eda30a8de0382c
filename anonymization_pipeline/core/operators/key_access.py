"""How an operator gets its keys: from the caller's KeyProvider, else from the environment."""

from __future__ import annotations

from anonymization_pipeline.core.keys import KeyProvider
from anonymization_pipeline.core.operators.base import OperatorContext

KEY = "key"


def key_provider(context: OperatorContext) -> KeyProvider:
    """The context's keys, or `KeyProvider.from_environment()` when the caller passed none.

    >>> key_provider(OperatorContext("email", keys=KeyProvider.from_keys({"default": bytes(32)})))
    KeyProvider(['default:v1'])
    """
    return context.keys if context.keys is not None else KeyProvider.from_environment()
