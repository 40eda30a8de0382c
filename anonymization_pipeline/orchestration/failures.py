"""Why a step failed, in the terms of our own error hierarchy."""

from __future__ import annotations

from typing import Any

from anonymization_pipeline.core import errors
from anonymization_pipeline.core.errors import INTERNAL_ERROR


TARGETS_NOT_MET = {"PrivacyTargetNotMet", "DagsterAssetCheckFailedError"}
"""A run failed its targets when the search found no acceptable transformation, the publish gate
refused, or a blocking check (k, l, t, risk, leak, schema, rows) failed."""


def error_classes() -> dict[str, int]:
    """Our error class names, and a blocking check's failure, with the exit codes they stand for."""
    found: dict[str, int] = {"DagsterAssetCheckFailedError": errors.PrivacyTargetNotMet.exit_code}
    pending = [errors.AnonymizerError]
    while pending:
        cls = pending.pop()
        found[cls.__name__] = cls.exit_code
        pending += cls.__subclasses__()
    return found


def our_error(error: Any) -> tuple[str, str]:
    """Walk Dagster's chain of wrapped errors to the first of ours: (class name, message); for
    anything else the innermost cause, whose message says what happened (not Dagster's wrapper)."""
    ours = error_classes()
    chain, innermost = error, error
    while chain is not None:
        if chain.cls_name in ours:
            return chain.cls_name, chain.message.split(": ", 1)[-1].strip()
        innermost, chain = chain, chain.cause
    return innermost.cls_name or "Error", innermost.message.strip().splitlines()[0]


def exit_code_of(error_class: str | None) -> int:
    """The exit code our error class stands for; 3 for anything we did not raise on purpose."""
    return error_classes().get(error_class or "", INTERNAL_ERROR)
