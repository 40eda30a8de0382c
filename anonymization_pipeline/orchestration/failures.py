"""Why a step failed, in the terms of our own error hierarchy, and in one line.

A stage that stops on one of our errors raises Dagster's `Failure` with the error's message as
its description: the run view then says "not published: average prosecutor risk is 0.0747; the
policy allows 0.05" instead of a stack trace, and the error's class travels in the failure's
metadata, so the CLI's exit code and the escalation sensor still know what kind of stop it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dagster as dg

from anonymization_pipeline.core import errors
from anonymization_pipeline.core.errors import INTERNAL_ERROR

ERROR_CLASS = "error_class"
TARGETS_NOT_MET = {"PrivacyTargetNotMet", "DagsterAssetCheckFailedError"}
"""A run failed its targets when the search found no acceptable transformation, the publish gate
refused, or a blocking check failed."""


@contextmanager
def one_line_failures() -> Iterator[None]:
    """Turn our errors raised inside a stage into a `Failure` whose description is their message."""
    try:
        yield
    except errors.AnonymizerError as error:
        raise dg.Failure(
            description=str(error), metadata={ERROR_CLASS: type(error).__name__}, allow_retries=False
        ) from None


def error_classes() -> dict[str, int]:
    """Our error class names, and a blocking check's failure, with the exit codes they stand for."""
    found: dict[str, int] = {"DagsterAssetCheckFailedError": errors.PrivacyTargetNotMet.exit_code}
    pending = [errors.AnonymizerError]
    while pending:
        cls = pending.pop()
        found[cls.__name__] = cls.exit_code
        pending += cls.__subclasses__()
    return found


def step_failure_reason(failure: Any) -> tuple[str, str]:
    """(class name, one-line message) of a step failure (`StepFailureData`)."""
    user = failure.user_failure_data
    if user is not None and ERROR_CLASS in user.metadata:
        return str(user.metadata[ERROR_CLASS].value), user.description or ""
    return our_error(failure.error)


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
