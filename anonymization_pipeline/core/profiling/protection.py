"""The protection a profiled column gets in a suggested policy: its class decides the shape, its kind
and its values the details.

Direct identifiers get an operator that hides them (keyed pseudonyms for references, so joins still
work; masks for cards, e-mails and phones; nothing at all for names, addresses and free text).
Quasi-identifiers get a hierarchy derived from the sampled values: number intervals at quantiles,
postcode prefixes, dates to month and year, and for other categories the value or `*`.
Sensitive and other columns are kept, and a column nothing is known about is dropped.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from anonymization_pipeline.core.policy import FieldClass
from anonymization_pipeline.core.policy.model import GENERALIZE
from anonymization_pipeline.core.profiling.column_profile import ColumnProfile
from anonymization_pipeline.core.profiling.kinds import Kind
from anonymization_pipeline.core.profiling.sampling import ColumnSample
from anonymization_pipeline.core.profiling.value_formats import DATE_ISO
from anonymization_pipeline.core.profiling.value_shapes import NUMBER

IDENTIFIER_METHODS: dict[Kind, tuple[str, dict[str, Any]]] = {
    Kind.EMAIL: ("mask", {"preset": "email"}),
    Kind.PHONE: ("mask", {"preset": "phone"}),
    Kind.CREDIT_CARD: ("mask", {"preset": "credit_card"}),
    Kind.IBAN: ("mask", {"keep_first": 2, "keep_last": 4}),
    Kind.IP_ADDRESS: ("redact", {}),
    Kind.CUSTOMER_REFERENCE: ("pseudonymize", {}),
    Kind.DEVICE_ID: ("pseudonymize", {}),
    Kind.LICENCE_PLATE: ("pseudonymize", {}),
}
"""Every other direct identifier is dropped: a name, an address or a free text has no safe partial form."""
INTERVAL_BINS = 8
AGE_CEILING = 150
DATE_LEVELS = ["month", "year", "*"]
SUPPRESS_ONLY: dict[str, Any] = {"prefix": [0]}
"""A two-level hierarchy: the value, or `*`. For categories with no order to generalize along, and
for columns where some cells say `NA` or `?` in words: the pipeline reads those as values, which
number intervals and date levels cannot place."""


def protection(profile: ColumnProfile, sample: ColumnSample) -> dict[str, Any]:
    """The policy entry (`class`, `method`, `params`, `hierarchy`) for one profiled column.

    >>> import pyarrow as pa
    >>> from anonymization_pipeline.core.profiling.column_profile import profile_column
    >>> sample = ColumnSample("zip", pa.array(["02139", "02141", "10001"] * 10), 30, 0)
    >>> protection(profile_column(sample), sample)
    {'class': 'quasi_identifier', 'method': 'generalize', 'hierarchy': {'prefix': [3, 1]}}
    """
    entry: dict[str, Any] = {"class": profile.field_class.value}
    if profile.field_class is FieldClass.DIRECT_IDENTIFIER:
        method, params = IDENTIFIER_METHODS.get(profile.kind, ("drop", {}))
        entry["method"] = method
        if params:
            entry["params"] = dict(params)
    elif profile.field_class is FieldClass.QUASI_IDENTIFIER:
        entry["method"] = GENERALIZE
        entry["hierarchy"] = hierarchy_for(profile.kind, sample.values) if not sample.placeholders else dict(SUPPRESS_ONLY)
    else:
        entry["method"] = "drop" if profile.kind is Kind.UNKNOWN else "keep"
    return entry


def hierarchy_for(kind: Kind, values: pa.Array) -> dict[str, Any]:
    """A hierarchy the values fit: every value must be covered, or the run would stop on it."""
    if len(values) and pc.all(pc.match_substring_regex(values, NUMBER)).as_py():
        numbers = pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)
        if kind is Kind.POSTAL_CODE:
            return {"prefix": prefix_lengths(values)}
        edges = interval_edges(numbers, ceiling=AGE_CEILING if kind is Kind.AGE else None)
        return {"intervals": edges} if len(edges) > 2 else SUPPRESS_ONLY
    if kind in (Kind.DATE_OF_BIRTH, Kind.DATE) and len(values) and pc.all(pc.match_substring_regex(values, DATE_ISO)).as_py():
        return {"dates": list(DATE_LEVELS)}
    if kind is Kind.POSTAL_CODE and len(values):
        return {"prefix": prefix_lengths(values)}
    return dict(SUPPRESS_ONLY)


def prefix_lengths(values: pa.Array) -> list[int]:
    """Keep all but the last two characters, then one: `02139` → `021**` → `0****` → `*`."""
    typical = int(np.median(pc.utf8_length(values).to_numpy(zero_copy_only=False)))
    return sorted({max(1, typical - 2), 1}, reverse=True)


def interval_edges(numbers: np.ndarray, ceiling: float | None = None) -> list[float]:
    """Bin edges at the sample's quantiles, rounded to two significant digits, with outer edges wide
    enough for values the sample did not see (a value outside them would stop the run).

    >>> interval_edges(np.arange(18, 91, dtype=float), ceiling=150)
    [0, 27, 36, 45, 54, 63, 72, 81, 150]
    """
    inner = np.quantile(numbers, np.linspace(0, 1, INTERVAL_BINS + 1)[1:-1])
    edges = sorted({_round(float(value)) for value in inner})
    low = 0.0 if numbers.min() >= 0 else -_magnitude_above(-float(numbers.min()))
    high = ceiling if ceiling is not None and numbers.max() < ceiling else _magnitude_above(float(numbers.max()))
    edges = [edge for edge in edges if low < edge < high]
    return [_plain(edge) for edge in [low, *edges, high]]


def _round(value: float) -> float:
    if value == 0:
        return 0.0
    digits = 2 - int(math.floor(math.log10(abs(value)))) - 1
    return round(value, digits)


def _magnitude_above(value: float) -> float:
    """The power of ten ten times above `value`: room for values an order of magnitude beyond the sample."""
    return 10.0 ** (math.floor(math.log10(max(value, 1.0))) + 2)


def _plain(value: float) -> float | int:
    """Whole numbers without `.0`, and plain Python numbers (YAML cannot write numpy's)."""
    return int(value) if float(value).is_integer() else float(value)
