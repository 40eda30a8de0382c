"""`mask`: hide characters of a value, keeping at most what the parameters promise.

Generic: keep the first `keep_first` and last `keep_last` characters, replace the others by
`char`, one for one. A value no longer than keep_first + keep_last is masked entirely, so a short
value is never shown in clear. Presets:
- `credit_card`: every digit but the last 4 becomes `char`; separators stay; values failing the
  Luhn check are counted as `luhn_invalid`. Values with 4 digits or fewer are masked entirely.
- `phone`: every digit but the last 2 becomes `char`; same rule for short values.
- `email`: the first character of the local part (`keep_first: 1`, default) or nothing
  (`keep_first: 0`), then `***@` and the domain: `j***@example.com`. The local part's length is not
  revealed. A value without `@` becomes `***`.
Presets read values after NFKC normalisation (full-width digits become ASCII digits) and fail
closed on a value they do not recognise: a card or phone number is digits and the separators
` ()+./-` only, with at least one digit; an e-mail address is `local@domain.tld` without spaces.
Anything else (free text, digits of another script, no digit at all) is masked whole under
`on_unrecognized: mask_all` (the default), or stops the run under `on_unrecognized: reject`; the
count is in the stats as `unrecognized`. Masking only the ASCII digits of free text would publish
the rest of it (`Jane Doe, ask for ext. 5`).
Empty strings stay empty, nulls stay null; other types are masked as their text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from anonymization_pipeline.core.operators.arrow_text import (
    NO_SEPARATOR,
    byte_layout,
    constant_text,
    large_text,
    text_from_layout,
)
from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.operators.base import (
    Operator,
    OperatorContext,
    OperatorOutcome,
    OperatorParameterError,
)
from anonymization_pipeline.core.operators.columns import count_changed, text_array, text_series
from anonymization_pipeline.core.operators.normalization import present_values
from anonymization_pipeline.core.operators.params import check_choice, check_int

PRESET = "preset"
KEEP_FIRST = "keep_first"
KEEP_LAST = "keep_last"
CHAR = "char"
ON_UNRECOGNIZED = "on_unrecognized"
MASK_ALL = "mask_all"
REJECT = "reject"
CREDIT_CARD = "credit_card"
EMAIL = "email"
PHONE = "phone"
PRESETS = (CREDIT_CARD, EMAIL, PHONE)
DIGITS_KEPT = {CREDIT_CARD: 4, PHONE: 2}
CARD_DIGITS = range(12, 20)
EMAIL_LOCAL_MASK = 3
RECOGNISED = {
    CREDIT_CARD: r"^[0-9 ()+./\-]*[0-9][0-9 ()+./\-]*$",
    PHONE: r"^[0-9 ()+./\-]*[0-9][0-9 ()+./\-]*$",
    EMAIL: r"^[^\s@]+@[^\s@]+\.[^\s@]+$",
}
_LUHN_SINGLE = np.zeros(256, dtype=np.int8)
_LUHN_SINGLE[ord("0") : ord("9") + 1] = np.arange(10)
_LUHN_DOUBLED = np.zeros(256, dtype=np.int8)
_LUHN_DOUBLED[ord("0") : ord("9") + 1] = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9]


def mask_edges(text: pa.Array, keep_first: int, keep_last: int, char: str) -> pa.Array:
    """Keep `keep_first` leading and `keep_last` trailing characters; values too short are fully masked.

    >>> mask_edges(pa.array(["4111111111111111", "abc", "", None]), 0, 4, "*").to_pylist()
    ['************1111', '***', '', None]
    """
    text = large_text(text)
    lengths = pc.utf8_length(text)
    kept = keep_first + keep_last
    hidden = pc.max_element_wise(pc.subtract(lengths, kept), 0)
    mask = constant_text(char, len(text))
    head = pc.utf8_slice_codeunits(text, 0, keep_first)
    tail = pc.utf8_slice_codeunits(text, -keep_last) if keep_last else constant_text("", len(text))
    partly = pc.binary_join_element_wise(head, pc.binary_repeat(mask, hidden), tail, NO_SEPARATOR)
    return pc.if_else(pc.less_equal(lengths, kept), pc.binary_repeat(mask, lengths), partly)


def mask_digits(text: pa.Array, keep_last: int, char: str) -> tuple[pa.Array, np.ndarray]:
    """(text with all ASCII digits but the last `keep_last` replaced by `char`, Luhn validity per value).

    Other characters (separators, letters) are kept, so `4111-1111-1111-1111` keeps its shape.
    Luhn validity: the value's 12–19 digits pass the Luhn check (separators ignored).

    >>> masked, luhn = mask_digits(pa.array(["4111-1111-1111-1111", "12", "4111 1111 1111 1112"]), 4, "*")
    >>> masked.to_pylist(), luhn.tolist()
    (['****-****-****-1111', '**', '**** **** **** 1112'], [True, False, False])
    """
    data, offsets = byte_layout(text)
    lengths = np.diff(offsets)
    uniform = _uniform_digit_columns(data, lengths)
    if uniform is not None:
        return _mask_uniform_digits(data, lengths, uniform, keep_last, char, text)
    is_digit = (data >= ord("0")) & (data <= ord("9"))
    cumulative = np.zeros(data.size + 1, dtype=np.int32)
    np.cumsum(is_digit, dtype=np.int32, out=cumulative[1:])
    digits = cumulative[offsets[1:]] - cumulative[offsets[:-1]]
    from_end = np.repeat(cumulative[offsets[1:]], lengths) - cumulative[:-1]
    hidden = is_digit & ((from_end > keep_last) | np.repeat(digits <= keep_last, lengths))
    masked = data.copy()
    masked[hidden] = ord(char)
    contribution = np.where(from_end % 2 == 0, _LUHN_DOUBLED[data], _LUHN_SINGLE[data])
    np.cumsum(contribution, dtype=np.int32, out=cumulative[1:])
    luhn = (cumulative[offsets[1:]] - cumulative[offsets[:-1]]) % 10 == 0
    luhn &= (digits >= CARD_DIGITS.start) & (digits < CARD_DIGITS.stop)
    return text_from_layout(masked, offsets, text), luhn


def _uniform_digit_columns(data: np.ndarray, lengths: np.ndarray) -> np.ndarray | None:
    """Positions of the digits when every value has the same length and digits in the same places.

    Columns of card and phone numbers usually share one layout (`dddd-dddd-dddd-dddd`); then the
    masking and the Luhn check work column by column on a 2-D view, without per-byte temporaries.
    """
    if not lengths.size or lengths.min() != lengths.max() or lengths[0] == 0:
        return None
    table = data.reshape(lengths.size, int(lengths[0]))
    lowest, highest = table.min(axis=0), table.max(axis=0)
    digit_column = (lowest >= ord("0")) & (highest <= ord("9"))
    other_column = (highest < ord("0")) | (lowest > ord("9"))
    return np.flatnonzero(digit_column) if bool((digit_column | other_column).all()) else None


def _mask_uniform_digits(
    data: np.ndarray, lengths: np.ndarray, digit_columns: np.ndarray, keep_last: int, char: str, text: pa.Array
) -> tuple[pa.Array, np.ndarray]:
    table = data.reshape(lengths.size, int(lengths[0]))
    revealed = digit_columns[-keep_last:] if digit_columns.size > keep_last else digit_columns[:0]
    masked = table.copy()
    masked[:, np.setdiff1d(digit_columns, revealed)] = ord(char)
    total = np.zeros(lengths.size, dtype=np.int32)
    for position, column in enumerate(digit_columns[::-1]):
        total += (_LUHN_DOUBLED if position % 2 else _LUHN_SINGLE)[table[:, column]]
    card_length = digit_columns.size in CARD_DIGITS
    luhn = (total % 10 == 0) & card_length
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    return text_from_layout(masked.ravel(), offsets, text), luhn


def mask_email(text: pa.Array, keep_first: int, char: str) -> tuple[pa.Array, int]:
    """(masked addresses, count of non-empty values without '@'); the domain follows the last '@'.

    With `keep_first` 1 the first character is shown only when the local part has at least two.

    >>> masked, invalid = mask_email(pa.array(["john.doe@example.com", "a@b.org", "nobody", ""]), 1, "*")
    >>> masked.to_pylist(), invalid
    (['j***@example.com', '***@b.org', '***', ''], 1)
    """
    text = large_text(text)
    filled = pc.fill_null(text, "")
    parts = pc.split_pattern(filled, pattern="@", max_splits=1, reverse=True)
    is_email = pc.equal(pc.list_value_length(parts), 2)
    pieces = pc.list_flatten(parts)
    starts = np.frombuffer(parts.buffers()[1], dtype=np.int32)[parts.offset : parts.offset + len(parts)]
    local = pieces.take(pa.array(starts))
    domain = pieces.take(pa.array(np.where(is_email.to_numpy(zero_copy_only=False), starts + 1, starts)))
    shown = (
        pc.utf8_slice_codeunits(pc.utf8_slice_codeunits(local, 0, -1), 0, 1)
        if keep_first
        else constant_text("", len(text))
    )
    hidden = char * EMAIL_LOCAL_MASK
    as_email = pc.binary_join_element_wise(shown, constant_text(hidden + "@", len(text)), domain, NO_SEPARATOR)
    is_empty = pc.equal(filled, "")
    masked = pc.if_else(is_email, as_email, pc.if_else(is_empty, filled, constant_text(hidden, len(text))))
    invalid = pc.and_(pc.invert(is_email), pc.and_(pc.invert(is_empty), pc.is_valid(text)))
    masked = masked if text.null_count == 0 else pc.if_else(pc.is_valid(text), masked, pa.scalar(None, masked.type))
    return masked, int(pc.sum(invalid).as_py() or 0)


class MaskOperator(Operator):
    """Masks characters; see the module docstring for the presets and what each reveals."""

    name = "mask"
    protects_identifiers = True

    def parameters(self) -> tuple[str, ...]:
        return (PRESET, KEEP_FIRST, KEEP_LAST, CHAR, ON_UNRECOGNIZED)

    def validate(self, params: Mapping[str, Any]) -> None:
        super().validate(params)
        check_choice(params, PRESET, PRESETS)
        check_choice(params, ON_UNRECOGNIZED, (MASK_ALL, REJECT))
        if ON_UNRECOGNIZED in params and PRESET not in params:
            raise OperatorParameterError(ON_UNRECOGNIZED, "only used with a preset, which recognises its values")
        check_int(params, KEEP_FIRST, minimum=0)
        check_int(params, KEEP_LAST, minimum=0)
        if CHAR in params:
            char = params[CHAR]
            if not isinstance(char, str) or len(char) != 1 or not ("!" <= char <= "~"):
                raise OperatorParameterError(CHAR, f"must be one printable ASCII character such as '*', got {char!r}")
        preset = params.get(PRESET)
        if preset in DIGITS_KEPT:
            for name in (KEEP_FIRST, KEEP_LAST):
                if name in params:
                    raise OperatorParameterError(
                        name, f"not used with preset {preset} (it keeps the last {DIGITS_KEPT[preset]} digits)"
                    )
        if preset == EMAIL:
            if KEEP_LAST in params:
                raise OperatorParameterError(KEEP_LAST, "not used with preset email (it keeps the domain)")
            if params.get(KEEP_FIRST, 1) not in (0, 1):
                raise OperatorParameterError(
                    KEEP_FIRST,
                    f"with preset email must be 0 (domain only) or 1 (first character), got {params[KEEP_FIRST]!r}",
                )

    def operate(self, column: pd.Series, params: Mapping[str, Any], context: OperatorContext) -> OperatorOutcome:
        self.validate(params)
        text = text_array(column)
        char = params.get(CHAR, "*")
        preset = params.get(PRESET)
        stats: dict[str, Any] = {}
        if preset is None:
            masked = mask_edges(text, params.get(KEEP_FIRST, 0), params.get(KEEP_LAST, 0), char)
            return OperatorOutcome(text_series(masked, column.index), {"changed": count_changed(text, masked), "nulls": text.null_count})
        normal = large_text(pc.utf8_normalize(text, "NFKC"))
        unrecognized = unrecognized_values(normal, preset)
        stats["unrecognized"] = int(pc.sum(unrecognized).as_py() or 0)
        if stats["unrecognized"] and params.get(ON_UNRECOGNIZED, MASK_ALL) == REJECT:
            raise InputDataError(
                f"column '{context.field}': {stats['unrecognized']} of {len(text)} values are not {preset.replace('_', ' ')} "
                f"values (free text, other digits, or none); with on_unrecognized: mask_all they are masked whole"
            )
        if preset in DIGITS_KEPT:
            masked, luhn = mask_digits(normal, DIGITS_KEPT[preset], char)
            if preset == CREDIT_CARD:
                present = present_values(text).to_numpy(zero_copy_only=False)
                stats["luhn_invalid"] = int((present & ~luhn & ~unrecognized.to_numpy(zero_copy_only=False)).sum())
        else:
            masked, stats["invalid_email"] = mask_email(normal, params.get(KEEP_FIRST, 1), char)
        whole = pc.binary_repeat(constant_text(char, len(text)), pc.utf8_length(normal))
        masked = pc.if_else(unrecognized, whole if preset in DIGITS_KEPT else constant_text(char * EMAIL_LOCAL_MASK, len(text)), masked)
        stats = {"changed": count_changed(text, masked), "nulls": text.null_count, **stats}
        return OperatorOutcome(text_series(masked, column.index), stats)


def unrecognized_values(normal: pa.Array, preset: str) -> pa.Array:
    """Present, non-empty values the preset does not recognise as its kind (see the module docstring)."""
    recognised = pc.match_substring_regex(normal, RECOGNISED[preset])
    present = pc.and_(pc.is_valid(normal), pc.greater(pc.utf8_length(normal), 0))
    return pc.fill_null(pc.and_(present, pc.invert(recognised)), False)
