"""`mask`: exact outputs for each mode, what is revealed, and parameter errors."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.operators import OperatorContext, OperatorParameterError, get_operator
from anonymization_pipeline_tests.core.operators.conftest import strings

MASK = get_operator("mask")
CONTEXT = OperatorContext(field="column")


def masked(values: list[object], **params: object) -> list[object]:
    column = pd.Series(values, dtype=object)
    return [None if pd.isna(value) else value for value in MASK.operate(column, params, CONTEXT).column.tolist()]


@pytest.mark.parametrize(
    ("params", "values", "expected"),
    [
        ({}, ["secret", ""], ["******", ""]),
        ({"keep_first": 2}, ["secret", "ab", "a"], ["se****", "**", "*"]),
        ({"keep_last": 4}, ["4111111111111111", "1234", "12345"], ["************1111", "****", "*2345"]),
        ({"keep_first": 1, "keep_last": 1, "char": "#"}, ["Zoë Ångström", "ab", "abc"], ["Z##########m", "##", "a#c"]),
        ({"keep_first": 3}, [12345, 4.5, 1234.5], ["123**", "***", "123***"]),
        ({"keep_last": 2}, ["東京都渋谷区", None], ["****谷区", None]),
    ],
)
def test_generic_mask_keeps_only_the_promised_characters(params, values, expected):
    assert masked(values, **params) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4111-1111-1111-1111", "****-****-****-1111"),
        ("4111 1111 1111 1111", "**** **** **** 1111"),
        ("4111111111111111", "************1111"),
        ("5500-0000-0000-0004", "****-****-****-0004"),
        ("card: 4111-1111", "***************"),
        ("123", "***"),
        ("", ""),
        (None, None),
    ],
)
def test_credit_card_preset_keeps_the_last_four_digits_and_the_separators(value, expected):
    assert masked([value], preset="credit_card") == [expected]


def test_credit_card_preset_counts_values_failing_the_luhn_check():
    column = strings("4111-1111-1111-1111", "4111-1111-1111-1112", "5500 0000 0000 0004", "1234", None, "")
    outcome = MASK.operate(column, {"preset": "credit_card"}, CONTEXT)
    assert outcome.stats == {"changed": 4, "nulls": 1, "luhn_invalid": 2, "unrecognized": 0}


def test_credit_card_preset_handles_mixed_layouts_and_a_uniform_layout_alike():
    uniform = strings("4111-1111-1111-1111", "5500-0000-0000-0004")
    mixed = strings("4111-1111-1111-1111", "5500 0000 0000 0004 ")
    assert MASK.operate(uniform, {"preset": "credit_card"}, CONTEXT).column.tolist() == [
        "****-****-****-1111",
        "****-****-****-0004",
    ]
    assert MASK.operate(mixed, {"preset": "credit_card"}, CONTEXT).column.tolist() == [
        "****-****-****-1111",
        "**** **** **** 0004 ",
    ]


@pytest.mark.parametrize(
    ("value", "keep_first", "expected"),
    [
        ("john.doe@example.com", 1, "j***@example.com"),
        ("john.doe@example.com", 0, "***@example.com"),
        ("a@b.org", 1, "***@b.org"),
        ("@example.com", 1, "***"),
        ('"a@b"@weird.example', 1, "***"),
        ("Jane Doe <jane@example.com>", 1, "***"),
        ("émile@exemple.fr", 1, "é***@exemple.fr"),
        ("not an address", 1, "***"),
        ("", 1, ""),
        (None, 1, None),
    ],
)
def test_email_preset_shows_at_most_the_first_character_and_the_domain(value, keep_first, expected):
    assert masked([value], preset="email", keep_first=keep_first) == [expected]


def test_email_preset_does_not_leak_the_local_part_as_the_reference_tutorial_did():
    # The tutorial's mask_email returned local[0] + "***" + local + domain: the whole local part.
    (result,) = masked(["jane.roe@example.com"], preset="email")
    assert "jane.roe" not in result and "ane" not in result
    assert MASK.operate(strings("nobody", "x@y.z"), {"preset": "email"}, CONTEXT).stats == {
        "changed": 2,
        "nulls": 0,
        "invalid_email": 1,
        "unrecognized": 1,
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("(555) 123-4567", "(***) ***-**67"),
        ("+1 555 123 4567", "+* *** *** **67"),
        ("12", "**"),
        ("ext.", "****"),
    ],
)
def test_phone_preset_keeps_the_last_two_digits(value, expected):
    assert masked([value], preset="phone") == [expected]


@pytest.mark.parametrize(
    ("params", "parameter", "reason"),
    [
        ({"keep_first": -1}, "keep_first", "must be a whole number >= 0, got -1"),
        ({"keep_last": "4"}, "keep_last", "must be a whole number >= 0, got '4'"),
        ({"keep_last": True}, "keep_last", "must be a whole number >= 0, got True"),
        ({"char": "**"}, "char", "must be one printable ASCII character such as '*', got '**'"),
        ({"char": "•"}, "char", "must be one printable ASCII character such as '*', got '•'"),
        ({"preset": "iban"}, "preset", "'iban' is not one of: credit_card, email, phone"),
        (
            {"preset": "credit_card", "keep_last": 6},
            "keep_last",
            "not used with preset credit_card (it keeps the last 4 digits)",
        ),
        (
            {"preset": "email", "keep_first": 3},
            "keep_first",
            "with preset email must be 0 (domain only) or 1 (first character), got 3",
        ),
        ({"preset": "email", "keep_last": 1}, "keep_last", "not used with preset email (it keeps the domain)"),
        (
            {"keep_domain": True},
            "keep_domain",
            "unknown parameter for 'mask'; allowed: preset, keep_first, keep_last, char, on_unrecognized",
        ),
    ],
)
def test_validate_names_the_parameter_and_the_bad_value(params, parameter, reason):
    with pytest.raises(OperatorParameterError) as raised:
        MASK.validate(params)
    assert (raised.value.parameter, raised.value.reason) == (parameter, reason)


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), st.text(max_size=30), st.integers(), st.floats(allow_nan=True)), max_size=20),
    keep_first=st.integers(0, 5),
    keep_last=st.integers(0, 5),
)
def test_generic_mask_never_reveals_more_than_it_promises(values, keep_first, keep_last):
    column = pd.Series(values, dtype=object)
    result = MASK.operate(column, {"keep_first": keep_first, "keep_last": keep_last}, CONTEXT).column
    for original, shown in zip(column.astype("str").tolist(), result.tolist(), strict=True):
        if pd.isna(original):
            assert pd.isna(shown)
            continue
        assert len(shown) == len(original)
        if len(original) <= keep_first + keep_last:
            assert shown == "*" * len(original)
        else:
            tail = len(original) - keep_last
            assert shown[:keep_first] == original[:keep_first]
            assert shown[tail:] == original[tail:]
            assert shown[keep_first:tail] == "*" * (tail - keep_first)


@settings(max_examples=150, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.text(alphabet="0123456789 -()+x.", max_size=25)), max_size=20))
def test_card_and_phone_presets_never_show_more_than_their_last_digits(values):
    column = pd.Series(values, dtype="str")
    for preset, shown_digits in (("credit_card", 4), ("phone", 2)):
        result = MASK.operate(column, {"preset": preset}, CONTEXT).column
        for original, shown in zip(column.tolist(), result.tolist(), strict=True):
            if pd.isna(original):
                assert pd.isna(shown)
                continue
            digits = [c for c in original if c.isdigit()]
            visible = [c for c in shown if c.isdigit()]
            assert len(shown) == len(original)
            if original and ("x" in original or not digits):
                assert shown == "*" * len(original)
                continue
            assert visible == (digits[-shown_digits:] if len(digits) > shown_digits else [])
            assert [c for c in shown if not c.isdigit() and c != "*"] == [c for c in original if not c.isdigit()]


# --- Issue 11, finding 2: presets fail closed on values they do not recognise ---------------


@pytest.mark.parametrize(
    ("preset", "value"),
    [
        ("phone", "Jane Doe, ask for ext. 5"),
        ("phone", "٠١٢٣٤٥٦٧٨٩"),
        ("credit_card", "٤١١١ ١١١١ ١١١١ ١١١١"),
        ("credit_card", "see notes"),
        ("email", "call Jane on 555"),
    ],
    ids=["free text", "arabic-indic phone", "arabic-indic card", "no digits", "free text email"],
)
def test_an_unrecognised_value_is_masked_whole_or_refused(preset, value):
    (shown,) = masked([value], preset=preset)
    assert set(shown) == {"*"}
    with pytest.raises(InputDataError, match=rf"^column 'column': 1 of 1 values are not {preset.replace('_', ' ')} values"):
        masked([value], preset=preset, on_unrecognized="reject")


def test_full_width_digits_are_read_as_digits_and_masked():
    assert masked(["４１１１－１１１１－１１１１－１２３４"], preset="credit_card") == ["****-****-****-1234"]
    assert masked(["（５５５）１２３－４５６７"], preset="phone") == ["(***)***-**67"]


def test_on_unrecognized_needs_a_preset():
    with pytest.raises(OperatorParameterError, match="only used with a preset"):
        MASK.validate({"on_unrecognized": "reject"})
