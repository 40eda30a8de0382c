"""What the assessment computed, handed to Great Expectations by a random handle for one validation.

The suite's expectations name a handle, never the figures behind it: the privacy measurement (the
class counts regrouped once, vectorised) and the leak scan (per column, counts of rows holding a
raw identifier). So Great Expectations judges what was computed once instead of recomputing it
row by row, and no suite, result or data-docs page can hold a digest, a key or a value. A handle
resolves only inside the `with` block of its validation: outside it the check fails closed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from anonymization_pipeline.core.errors import ConfigurationError

MEASUREMENT = "measurement"
LEAK_SCAN = "leak-scan"

_HANDED: dict[str, Any] = {}


@contextmanager
def handed_over(kind: str, value: Any) -> Iterator[str]:
    """Register `value` (a `kind` of figures) for the `with` block; yields its handle.

    >>> with handed_over(MEASUREMENT, 42) as handle:
    ...     held_by(handle, MEASUREMENT)
    42
    """
    handle = f"{kind}-{secrets.token_hex(8)}"
    _HANDED[handle] = value
    try:
        yield handle
    finally:
        del _HANDED[handle]


def held_by(handle: str, kind: str) -> Any:
    """The `kind` of figures registered under `handle`; ConfigurationError outside its validation."""
    if not handle.startswith(f"{kind}-") or handle not in _HANDED:
        raise ConfigurationError(f"no {kind} is registered under {handle!r}: run the check through validate_published")
    return _HANDED[handle]
