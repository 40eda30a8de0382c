"""Decimal digits of every script written as ASCII digits, so a number hides in no other script.

NFKC already folds full-width and mathematical digits (`４`, `𝟒`), which are compatibility forms
of ASCII ones; the digits of other scripts (Arabic-Indic `٤`, Devanagari `४`, Thai `๔`, …) have
no such decomposition, so `٤١١١١١١١١١١١١١١١` would pass a leak check as text. Each is mapped to
the ASCII digit of the same value (Unicode's `Nd` category with its decimal value).

A column of ASCII text is returned after one pass that finds it ASCII. Otherwise only the values
that hold such a digit (a regular expression) are translated, in Python: in most columns there are
none, and where a whole column is written in another script each value costs one `str.translate`.
"""

from __future__ import annotations

import sys
import unicodedata
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

LAST_PLANE_WITH_DIGITS = 0x1FFFF
"""Every `Nd` character lies in the first two planes (the last is U+1FBF9 in Unicode 14 and 15);
a test checks that the running Python's Unicode data agrees, so scanning them is enough."""


@lru_cache(maxsize=1)
def _other_digits() -> tuple[dict[int, str], str]:
    """(translation table of every non-ASCII decimal digit to its ASCII digit, an RE2 class of them)."""
    table = {
        code: str(unicodedata.decimal(chr(code)))
        for code in range(128, min(LAST_PLANE_WITH_DIGITS, sys.maxunicode) + 1)
        if unicodedata.category(chr(code)) == "Nd"
    }
    codes = np.array(sorted(table))
    starts = np.flatnonzero(np.diff(codes, prepend=-2) != 1)
    ends = np.append(starts[1:], codes.size) - 1
    ranges = "".join(f"\\x{{{codes[start]:X}}}-\\x{{{codes[end]:X}}}" for start, end in zip(starts, ends))
    return table, f"[{ranges}]"


def ascii_digits(text: pa.Array) -> pa.Array:
    """`text` with every decimal digit of another script replaced by the ASCII digit of its value.

    >>> ascii_digits(pa.array(["٤١١١ ١١١١", "x٣", None, "plain"], pa.large_string())).to_pylist()
    ['4111 1111', 'x3', None, 'plain']
    """
    non_ascii = pc.invert(pc.fill_null(pc.string_is_ascii(text), True))
    if not pc.any(non_ascii).as_py():
        return text
    table, pattern = _other_digits()
    holding = pc.and_(non_ascii, pc.fill_null(pc.match_substring_regex(text, pattern), False))
    if not pc.any(holding).as_py():
        return text
    folded = [value.translate(table) for value in text.filter(holding).to_pylist()]
    return pc.replace_with_mask(text, holding, pa.array(folded, text.type))
