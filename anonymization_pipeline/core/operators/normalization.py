"""The normal form a value is hashed in, so that trivially different spellings get one token."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from anonymization_pipeline.core.operators.arrow_text import large_text


def normalized_text(text: pa.Array, case_sensitive: bool = True) -> pa.Array:
    """Trimmed of surrounding white space, Unicode NFC, and lower-cased unless `case_sensitive`.

    >>> normalized_text(pa.array([" Zoë ", "Zoe\\u0308", None]), case_sensitive=False).to_pylist()
    ['zoë', 'zoë', None]
    """
    text = pc.utf8_trim_whitespace(large_text(text))
    if not pc.all(pc.string_is_ascii(text)).as_py():
        text = pc.utf8_normalize(text, "NFC")
    return text if case_sensitive else pc.utf8_lower(text)


def present_values(text: pa.Array) -> pa.Array:
    """Mask of values that are neither null nor empty: the ones worth protecting.

    >>> present_values(pa.array(["a", "", None])).to_pylist()
    [True, False, False]
    """
    return pc.fill_null(pc.not_equal(text, ""), False)
