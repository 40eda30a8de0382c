"""Digits of every script are folded to ASCII before a leak check compares numbers."""

from __future__ import annotations

import sys
import unicodedata

import pandas as pd
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from anonymization_pipeline.core.validation.digit_folding import LAST_PLANE_WITH_DIGITS, ascii_digits
from anonymization_pipeline.core.validation.identifier_digests import DigestSet, identifier_digests, leak_findings

KEY = b"digit-folding-test-key-0123456789"


def test_every_decimal_digit_of_this_python_lies_where_the_table_looks():
    beyond = [code for code in range(LAST_PLANE_WITH_DIGITS + 1, sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Nd"]
    assert beyond == []


@given(st.lists(st.one_of(st.none(), st.text(st.characters(codec="utf-8")))))
def test_folding_writes_each_decimal_digit_as_its_value_and_leaves_the_rest(values):
    expected = [
        None if value is None else "".join(str(unicodedata.decimal(c)) if unicodedata.category(c) == "Nd" else c for c in value)
        for value in values
    ]
    assert ascii_digits(pa.array(values, pa.large_string())).to_pylist() == expected


def test_an_ssn_written_in_arabic_indic_or_devanagari_digits_is_found():
    digests = DigestSet(identifier_digests(pd.Series(["123-45-6789", "4111111111111111"]), KEY), KEY)
    published = pd.Series(["ssn ١٢٣٤٥٦٧٨٩ on file", "card ४१११ ११११ ११११ ११११", "nothing here"])
    counts = leak_findings(published, digests)
    assert counts["rows_containing_identifier_numbers"] == 2 and counts["rows_with_findings"] == 2
