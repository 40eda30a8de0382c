"""Digits and dashes of every script written in ASCII, so a number hides in no other script.

NFKC already folds full-width and mathematical digits (`４`, `𝟒`), which are compatibility forms
of ASCII ones; the digits of other scripts (Arabic-Indic `٤`, Devanagari `४`, Thai `๔`, …) have
no such decomposition, so `٤١١١١١١١١١١١١١١١` would pass a leak check as text. Each is mapped to
the ASCII digit of the same value (Unicode's `Nd` category with its decimal value). The marks
written between a number's digits are mapped too: every dash (`Pd`: en dash, hyphen, …) and the
minus sign to `-`, a separator of numbers, and the Arabic decimal and thousands separators to `.`
and `,`, as their ASCII counterparts are read.

A column of ASCII text is returned after one pass that finds it ASCII. Otherwise only the values
that hold such a character (a regular expression) are translated, in Python: in most columns
there are none, and where a whole column is written in another script each value costs one
`str.translate`.
"""

from __future__ import annotations

import sys
import unicodedata
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

LAST_PLANE_WITH_DIGITS = 0x1FFFF
"""Every `Nd` and `Pd` character lies in the first two planes (the last digit is U+1FBF9 in
Unicode 14 and 15); a test checks that the running Python's Unicode data agrees."""
MINUS_SIGN, ARABIC_DECIMAL_SEPARATOR, ARABIC_THOUSANDS_SEPARATOR = 0x2212, 0x066B, 0x066C


def _ascii_of(code: int) -> str | None:
    """The ASCII character a non-ASCII digit or number mark is read as, or None."""
    category = unicodedata.category(chr(code))
    if category == "Nd":
        return str(unicodedata.decimal(chr(code)))
    if category == "Pd" or code == MINUS_SIGN:
        return "-"
    return {ARABIC_DECIMAL_SEPARATOR: ".", ARABIC_THOUSANDS_SEPARATOR: ","}.get(code)


@lru_cache(maxsize=1)
def _number_characters() -> tuple[dict[int, str], str]:
    """(translation table of every non-ASCII digit and number mark to ASCII, an RE2 class of them)."""
    table = {code: ascii for code in range(128, min(LAST_PLANE_WITH_DIGITS, sys.maxunicode) + 1) if (ascii := _ascii_of(code))}
    codes = np.array(sorted(table))
    starts = np.flatnonzero(np.diff(codes, prepend=-2) != 1)
    ends = np.append(starts[1:], codes.size) - 1
    ranges = "".join(f"\\x{{{codes[start]:X}}}-\\x{{{codes[end]:X}}}" for start, end in zip(starts, ends))
    return table, f"[{ranges}]"


def ascii_number_characters(text: pa.Array) -> pa.Array:
    """`text` with every digit of another script replaced by the ASCII digit of its value, and
    every dash or minus sign by `-` (see the module docstring).

    >>> ascii_number_characters(pa.array(["٤١١١ ١١١١", "x٣", None, "4111–1111", "plain"], pa.large_string())).to_pylist()
    ['4111 1111', 'x3', None, '4111-1111', 'plain']
    """
    non_ascii = pc.invert(pc.fill_null(pc.string_is_ascii(text), True))
    if not pc.any(non_ascii).as_py():
        return text
    table, pattern = _number_characters()
    holding = pc.and_(non_ascii, pc.fill_null(pc.match_substring_regex(text, pattern), False))
    if not pc.any(holding).as_py():
        return text
    folded = [value.translate(table) for value in text.filter(holding).to_pylist()]
    return pc.replace_with_mask(text, holding, pa.array(folded, text.type))
