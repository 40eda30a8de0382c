"""Digits and dashes of every script are folded to ASCII before a leak check compares numbers."""

from __future__ import annotations

import sys
import unicodedata

import pandas as pd
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from anonymization_pipeline.core.validation.identifier_digests import DigestSet, identifier_digests
from anonymization_pipeline.core.validation.leak_scan import leak_findings
from anonymization_pipeline.core.validation.number_folding import LAST_PLANE_WITH_DIGITS, ascii_number_characters

KEY = b"number-folding-test-key-0123456789"
MARKS = {"\u2212": "-", "\u066b": ".", "\u066c": ","}


def reference(value: str) -> str:
    """Character by character, as the module docstring states the rule."""
    folded = []
    for char in value:
        if unicodedata.category(char) == "Nd":
            folded.append(str(unicodedata.decimal(char)))
        elif unicodedata.category(char) == "Pd":
            folded.append("-")
        else:
            folded.append(MARKS.get(char, char))
    return "".join(folded)


def test_every_digit_and_dash_of_this_python_lies_where_the_table_looks():
    beyond = [code for code in range(LAST_PLANE_WITH_DIGITS + 1, sys.maxunicode + 1) if unicodedata.category(chr(code)) in ("Nd", "Pd")]
    assert beyond == []


@given(st.lists(st.one_of(st.none(), st.text(st.characters(codec="utf-8")), st.text("٠١٢٣–—−٫٬ -x"))))
def test_folding_writes_each_digit_and_dash_in_ascii_and_leaves_the_rest(values):
    expected = [None if value is None else reference(value) for value in values]
    assert ascii_number_characters(pa.array(values, pa.large_string())).to_pylist() == expected


def test_an_ssn_or_card_in_other_digits_or_with_other_dashes_is_found():
    digests = DigestSet(identifier_digests(pd.Series(["123-45-6789", "4111111111111111"]), KEY), KEY)
    published = pd.Series(
        ["ssn ١٢٣٤٥٦٧٨٩ on file", "card ४१११ ११११ ११११ ११११", "card 4111\u20131111\u20131111\u20131111", "ssn 123\u221245\u22126789", "nothing here"]
    )
    counts = leak_findings(published, digests)
    assert counts["rows_containing_identifier_numbers"] == 4 and counts["rows_with_findings"] == 4
