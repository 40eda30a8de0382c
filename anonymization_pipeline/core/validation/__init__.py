"""Great Expectations validation of a table before it is published.

`identifier_digests` is cheap to import; the suite pulls in Great Expectations (seconds), so its
names are imported on first use.
"""

from typing import Any

from anonymization_pipeline.core.validation.identifier_digests import identifier_digests

__all__ = ["ValidationOutcome", "identifier_digests", "validate_published"]


def __getattr__(name: str) -> Any:
    if name in ("ValidationOutcome", "validate_published"):
        from anonymization_pipeline.core.validation import suite

        return getattr(suite, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
