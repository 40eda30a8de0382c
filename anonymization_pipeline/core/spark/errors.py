"""An error raised by our code on an executor, brought back to the driver as the same error.

Spark wraps an executor's exception, traceback and all, in a PythonException. Our errors name
columns and counts, never values, so their one line is carried over as it is; anything else
becomes an internal error that names only its type, since a foreign message may quote data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from pyspark.errors import PythonException

from anonymization_pipeline.core import errors

_OURS = re.compile(r"^anonymization_pipeline\.core\.[\w.]+\.(?P<name>\w+): (?P<message>.+)$", re.MULTILINE)
_CLASSES: dict[str, type[errors.AnonymizerError]] = {
    "InputDataError": errors.InputDataError,
    "ConfigurationError": errors.ConfigurationError,
    "OperatorParameterError": errors.ConfigurationError,
    "KeyMaterialError": errors.KeyMaterialError,
    "OutputError": errors.OutputError,
    "PrivacyTargetNotMet": errors.PrivacyTargetNotMet,
}


class ExecutorFailure(RuntimeError):
    """A task failed on an executor for a reason that is not one of our errors (exit code 3)."""


@contextmanager
def executor_errors() -> Iterator[None]:
    """Re-raise our errors from executors as themselves, one line, without Spark's traceback.

    >>> with executor_errors():  # doctest: +SKIP
    ...     protected.count()
    """
    try:
        yield
    except PythonException as error:
        found = [match for match in _OURS.finditer(str(error)) if match["name"] in _CLASSES]
        if found:
            raise _CLASSES[found[-1]["name"]](found[-1]["message"]) from None
        raise ExecutorFailure(f"a Spark task failed on an executor ({_foreign_type(str(error))})") from None


def _foreign_type(text: str) -> str:
    names = re.findall(r"^(\w[\w.]*(?:Error|Exception)):", text, re.MULTILINE)
    return names[-1] if names else "PythonException"
