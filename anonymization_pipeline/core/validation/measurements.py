"""Measurements handed to Great Expectations by handle, so the suite checks the criteria on the
class counts the assessment computed (once, vectorised) instead of regrouping the rows again."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.core.privacy.measurement import Measurement

_REGISTERED: dict[str, Measurement] = {}


@contextmanager
def measurement_handle(measurement: Measurement) -> Iterator[str]:
    """Register `measurement` for the duration of a validation run; yields its handle."""
    handle = f"measurement-{uuid.uuid4().hex}"
    _REGISTERED[handle] = measurement
    try:
        yield handle
    finally:
        del _REGISTERED[handle]


def registered_measurement(handle: str) -> Measurement:
    """The measurement registered under `handle`."""
    try:
        return _REGISTERED[handle]
    except KeyError:
        raise ConfigurationError(f"no measurement is registered under {handle!r}: run the check through validate_published") from None
