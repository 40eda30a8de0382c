"""Keyed digests of direct identifiers, so a leak check never has to keep the identifiers themselves.

The pipeline digests the raw direct identifiers of the input with a secret key (SipHash-2-4, a
keyed PRF, over whole Arrow columns): each whole value normalised with NFKC, trimmed,
lower-cased and with the digits and dashes of every script written in ASCII (`number_folding`); every number
of 8 to 19 digits written in it, separators ignored (so a card or phone number hidden in free
text, with other separators or in full-width or Arabic-Indic digits, is still found, inside
longer digit runs too); and the local part of an e-mail address. The key lives for one assessment only.
The validation digests each published value the same way and counts what is in the sets.
A raw number found inside a longer published number is weighed against chance (`coincidence`):
long random digit strings hold some raw numbers by coincidence once there are many of both.
Without the key a digest cannot be reversed by trying likely values, and neither the key nor a
raw value is ever written to a suite, a result or a data-docs page: the validation scans every
published column (`leak_scan`) and the expectation names only a handle to the counts (`handles`).

Values that identify no one by themselves are never findings: empty values, numbers of fewer
than 6 digits (an age of 25 is not user 25), and published values held by at least 5 rows of
their column. Everything is computed over whole Arrow columns and numpy arrays, once per distinct
normalised value (weighted by the rows that hold it): each value is looked up by its digests
(`lookups`: whole, every window of its numbers, its local-part tokens), derived the same way by
both engines, and gets a bit mask of what it holds; a `LeakTally` sums the rows per mask and the
windows per number length, which is all the counts and the chance bound need (and, summed by
Spark, all the Spark engine sends to its driver).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from anonymization_pipeline.core.errors import KeyMaterialError
from anonymization_pipeline.core.operators.arrow_text import byte_layout
from anonymization_pipeline.core.operators.columns import text_array
from anonymization_pipeline.core.operators.keyed_hash import distinct_values
from anonymization_pipeline.core.validation.number_folding import ascii_number_characters
from anonymization_pipeline.core.validation.coincidence import chance_explains

MIN_KEY_BYTES = 16
MIN_NUMBER_DIGITS, MAX_NUMBER_DIGITS = 8, 19
"""Numbers of raw identifiers that are looked for inside published values (a card, a phone, an
SSN); shorter ones occur by coincidence, longer ones do not fit 64 bits (and are rare)."""
SHORT_NUMBER_DIGITS = 6
"""A number with fewer digits (an age, a count, a small auto-increment id) identifies no one."""
COMMON_ROWS = 5
"""A published value held by this many rows of its column does not single anyone out."""
MIN_LOCAL_PART = 4
_NOT_IN_LOCAL_PART = r"[^a-z0-9._%+\-]+"
WHOLE, DIGIT_RUNS, LOCAL_PARTS = "whole", "digit-runs", "local-parts"
_SEPARATORS = " -.()/+"
"""What may stand between the digits of one number: it is read as if they were not there."""
_IS_SEPARATOR = np.isin(np.arange(256), np.frombuffer(_SEPARATORS.encode(), dtype=np.uint8))
_SEPARATOR_CLASS = _SEPARATORS.replace("-", "\\-")
_MAY_HOLD_NUMBER = rf"(?:^|[^A-Za-z0-9])[0-9](?:[{_SEPARATOR_CLASS}]*[0-9]){{{MIN_NUMBER_DIGITS - 1}}}"
"""Matched by every value holding a number of at least 8 digits that touches no letter: its first
digit follows no letter or digit, and separators alone stand between its digits (a superset:
`_Numbers` then decides exactly)."""
_ONLY_DIGITS_AND_SEPARATORS = rf"^[0-9{_SEPARATOR_CLASS}]+$"
_IS_DIGIT = (np.arange(256) >= ord("0")) & (np.arange(256) <= ord("9"))
NUMBER_LENGTHS = range(MIN_NUMBER_DIGITS, MAX_NUMBER_DIGITS + 1)
KIND_WHOLE, KIND_LOCAL_PART = 0, 1
"""Kinds of digest besides numbers, whose kind is their length (8 to 19): what a digest of a
published value is compared with, on either engine."""
WHOLE_MATCH, LOCAL_PART_MATCH, EXACT_NUMBER_MATCH = 1, 2, 4
"""Bits of a value's match mask; above them one bit per number length for a raw number of that
length inside a longer number of the value (`window_bit`), which chance may explain."""
_NO_HASHES = np.zeros(0, np.uint64)
_NO_HASHES.setflags(write=False)  # the shared default of every empty digest set


def window_bit(length: int) -> int:
    """The match-mask bit of a raw number of `length` digits found inside a longer number."""
    return 8 << (length - MIN_NUMBER_DIGITS)


@dataclass(frozen=True)
class IdentifierDigests:
    """What a leak check compares against: keyed digests of whole identifiers, of the numbers
    written in them (one set per length), and of their e-mail local parts. `|` unites the digests
    of several columns.

    The chance bound needs how many distinct raw numbers each length has. Keeping one hash set per
    length gives it exactly, after any union, as the size of that set: summing the counts of the
    columns instead would count twice a number two columns share, overstate the coincidences
    expected and so excuse more of a real leak.
    """

    values: np.ndarray = field(default_factory=lambda: _NO_HASHES, repr=False)
    numbers: Mapping[int, np.ndarray] = field(default_factory=dict, repr=False)
    local_parts: np.ndarray = field(default_factory=lambda: _NO_HASHES, repr=False)

    def __or__(self, other: IdentifierDigests) -> IdentifierDigests:
        lengths = sorted(set(self.numbers) | set(other.numbers))
        return IdentifierDigests(
            distinct_sorted(self.values, other.values),
            {length: distinct_sorted(self.numbers.get(length, _NO_HASHES), other.numbers.get(length, _NO_HASHES)) for length in lengths},
            distinct_sorted(self.local_parts, other.local_parts),
        )

    def known(self, kind: int) -> np.ndarray:
        """The sorted digests of one kind (`KIND_WHOLE`, `KIND_LOCAL_PART` or a number length)."""
        if kind == KIND_WHOLE:
            return self.values
        return self.local_parts if kind == KIND_LOCAL_PART else self.numbers.get(kind, _NO_HASHES)

    @property
    def number_counts(self) -> dict[int, int]:
        """How many distinct raw numbers each length has (n_L of the chance bound)."""
        return {length: hashes.size for length, hashes in self.numbers.items()}


@dataclass(frozen=True)
class DigestSet:
    """Digests of raw identifiers and the key that made them (never shown in a repr)."""

    digests: IdentifierDigests
    key: bytes = field(repr=False)


def check_key(key: bytes) -> None:
    if not isinstance(key, bytes) or len(key) < MIN_KEY_BYTES:
        raise KeyMaterialError(f"the digest key must be at least {MIN_KEY_BYTES} random bytes")


def normalised(values: pd.Series | pa.Array) -> pa.LargeStringArray:
    """The form that is digested: text, NFKC, trimmed, lower-cased, digits and dashes of every
    script in ASCII; missing values stay missing.

    >>> normalised(pd.Series([" Ann@X.org", None, "４１１１", "٤١١١"])).to_pylist()
    ['ann@x.org', None, '4111', '4111']
    """
    text = values if isinstance(values, pa.Array) else text_array(values)
    return ascii_number_characters(pc.utf8_lower(pc.utf8_trim_whitespace(pc.utf8_normalize(text, "NFKC"))))


def keyed_hashes(text: pa.Array, key: bytes, purpose: str) -> np.ndarray:
    """SipHash-2-4 of every value (nulls as empty text) under a subkey of `key` for `purpose`."""
    subkey = hashlib.sha256(f"leak-check:{purpose}:".encode() + key).hexdigest()[:16]
    values = pc.fill_null(text, "").to_numpy(zero_copy_only=False)
    return pd.util.hash_array(values, hash_key=subkey, categorize=False)


def value_digests(values: pd.Series, key: bytes) -> np.ndarray:
    """The keyed digest of every value, compared after normalisation.

    >>> value_digests(pd.Series(["a", "A "]), b"k" * 16).tolist() == value_digests(pd.Series(["a", "a"]), b"k" * 16).tolist()
    True
    """
    check_key(key)
    return keyed_hashes(normalised(values), key, WHOLE)


def distinct_normalised(values: pd.Series) -> tuple[pa.LargeStringArray, np.ndarray]:
    """(each distinct normalised value, how many rows hold it): every later step runs once per
    distinct value. Missing values count as empty text, which identifies no one either.

    >>> text, rows = distinct_normalised(pd.Series(["A", "a ", None, ""]))
    >>> text.to_pylist(), rows.tolist()
    (['a', ''], [2, 2])
    """
    raw = pc.dictionary_encode(pc.fill_null(text_array(values), ""))
    raw_rows = np.bincount(raw.indices.to_numpy(zero_copy_only=False), minlength=len(raw.dictionary))
    text = normalised(raw.dictionary)
    if pc.all(pc.equal(text, raw.dictionary)).as_py() is not False:  # nothing merged (None: no values)
        return text, raw_rows
    merged = pc.dictionary_encode(text)
    codes = merged.indices.to_numpy(zero_copy_only=False)
    return merged.dictionary, np.bincount(codes, weights=raw_rows, minlength=len(merged.dictionary)).astype(np.int64)


def identifying(text: pa.Array) -> np.ndarray:
    """Which normalised values could identify someone: not empty, not a short number. A number
    of fewer than 6 digits is fewer than 6 bytes, so the pattern runs on those values only.

    >>> identifying(pa.array(["ann", "25", "12345", "123456", "", None, "a1"])).tolist()
    [True, False, False, True, False, False, True]
    """
    size = pc.fill_null(pc.binary_length(text), 0).to_numpy(zero_copy_only=False)
    wanted = size > 0
    short = np.flatnonzero(wanted & (size < SHORT_NUMBER_DIGITS))
    if short.size:
        digits_only = pc.match_substring_regex(text.take(pa.array(short)), r"^[0-9]+$").to_numpy(zero_copy_only=False)
        wanted[short[digits_only]] = False
    return wanted


@dataclass(frozen=True)
class _Numbers:
    """The numbers written in each value of a column: runs of digits with only separators
    (` -.()/+`) between them, not touching a letter (`u_9f1234567890ab` is a word)."""

    digits: np.ndarray
    run_start: np.ndarray
    run_length: np.ndarray
    run_row: np.ndarray
    word: np.ndarray

    @classmethod
    def of(cls, text: pa.Array) -> _Numbers:
        """The numbers of `text`. Only the values a regular expression finds a candidate in are
        read byte by byte: random hex tokens and ciphertexts are almost all letters and digits in
        one word, and reading all of them cost seconds per million."""
        rows = np.flatnonzero(pc.fill_null(pc.match_substring_regex(text, _MAY_HOLD_NUMBER), False).to_numpy(zero_copy_only=False))
        numbers = cls._read(text.take(pa.array(rows)))
        return dataclasses.replace(numbers, run_row=rows[numbers.run_row])

    @classmethod
    def _read(cls, text: pa.Array) -> _Numbers:
        data, offsets = byte_layout(text)
        in_word = _digits_touching_letters(data, offsets)
        separator = _IS_SEPARATOR[data]
        offsets = offsets - np.searchsorted(np.flatnonzero(separator), offsets)
        data, in_word = data[~separator], in_word[~separator]
        is_digit = _IS_DIGIT[data]
        value_edge = np.zeros(data.size + 1, bool)
        value_edge[offsets] = True
        digit_before = np.zeros(data.size, bool)
        digit_before[1:] = is_digit[:-1] & ~value_edge[1:-1]
        digit_after = np.zeros(data.size, bool)
        digit_after[:-1] = is_digit[1:] & ~value_edge[1:-1]
        run_start = np.flatnonzero(is_digit & ~digit_before)
        run_length = np.flatnonzero(is_digit & ~digit_after) + 1 - run_start
        word = np.maximum.reduceat(in_word.view(np.uint8), run_start) > 0 if run_start.size else np.zeros(0, bool)
        run_row = np.searchsorted(offsets, run_start, side="right") - 1
        return cls(data - np.uint8(ord("0")), run_start, run_length, run_row, word)

    def windows(self, length: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(every `length` consecutive digits inside one number, as an integer; its row; whether
        the number is longer), read only from the numbers long enough to hold them, so the cost
        follows those and not all the text."""
        eligible = (self.run_length >= length) & ~self.word
        per_run = self.run_length[eligible] - length + 1
        total = int(per_run.sum())
        if not total:
            return np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros(0, bool)
        first_window = np.cumsum(per_run) - per_run
        starts = np.repeat(self.run_start[eligible] - first_window, per_run) + np.arange(total)
        inside = np.repeat(self.run_length[eligible] > length, per_run)
        return digit_values(self.digits, starts, length), np.repeat(self.run_row[eligible], per_run), inside

    def whole(self) -> dict[int, np.ndarray]:
        """Each length from 8 to 19 digits, and the numbers of exactly that length."""
        found = {}
        for length in np.unique(self.run_length[(self.run_length >= MIN_NUMBER_DIGITS) & ~self.word]):
            if length > MAX_NUMBER_DIGITS:
                continue
            starts = self.run_start[(self.run_length == length) & ~self.word]
            found[int(length)] = digit_values(self.digits, starts, int(length))
        return found


def digit_values(digits: np.ndarray, starts: np.ndarray, length: int) -> np.ndarray:
    """The integers written by `length` digits (values 0-9) of `digits` from each of `starts`."""
    values = np.zeros(starts.size, np.uint64)
    for position in range(length):
        values = values * np.uint64(10) + digits[starts + position]
    return values


def distinct_sorted(*arrays: np.ndarray) -> np.ndarray:
    """The distinct hashes of `arrays`, sorted (by sorting: numpy's hash-based unique is slower here)."""
    joined = np.sort(np.concatenate([np.zeros(0, np.uint64), *arrays]))
    return joined[np.concatenate([[True], joined[1:] != joined[:-1]])] if joined.size else joined


def in_sorted(values: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Membership in a sorted array of distinct hashes by binary search (np.isin would sort
    the known set again for every column). The queries are searched in sorted order, so each
    search starts where the last ended instead of missing the cache across `known`.

    >>> in_sorted(np.array([3, 4], np.uint64), np.array([1, 3], np.uint64)).tolist()
    [True, False]
    """
    if not known.size:
        return np.zeros(values.shape, bool)
    order = np.argsort(values)
    ordered = values[order]
    found = np.empty(values.shape, bool)
    found[order] = known[np.minimum(np.searchsorted(known, ordered), known.size - 1)] == ordered
    return found


def number_hashes(numbers: dict[int, np.ndarray], key: bytes) -> dict[int, np.ndarray]:
    """Keyed hashes of numbers, one set per length (0042 is not 42)."""
    return {length: distinct_sorted(_keyed_mix(values, key)) for length, values in numbers.items()}


def _digits_touching_letters(data: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Digits written right next to a letter (or a non-ASCII byte) of the same value."""
    is_digit = (data >= ord("0")) & (data <= ord("9"))
    is_letter = (((data | 0x20) >= ord("a")) & ((data | 0x20) <= ord("z"))) | (data >= 0x80)
    first = np.zeros(data.size + 1, bool)
    first[offsets[:-1]] = True
    left = np.zeros(data.size, bool)
    left[1:] = is_letter[:-1] & ~first[1:-1]
    right = np.zeros(data.size, bool)
    right[:-1] = is_letter[1:] & ~first[1:-1]
    return is_digit & (left | right)


def _keyed_mix(numbers: np.ndarray, key: bytes) -> np.ndarray:
    """A keyed bijection of 64-bit numbers (two rounds of multiply and xor-shift under subkeys)."""
    material = hashlib.sha256(f"leak-check:{DIGIT_RUNS}:".encode() + key).digest()
    first, second, offset = (np.uint64(int.from_bytes(material[i : i + 8], "little") | 1) for i in (0, 8, 16))
    with np.errstate(over="ignore"):
        mixed = (numbers + offset) * first
        mixed ^= mixed >> np.uint64(29)
        mixed *= second
        mixed ^= mixed >> np.uint64(32)
    return mixed


def local_part_tokens(text: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """(every run of characters an e-mail local part may hold, at least 4 long; the row of each)."""
    tokens = pc.split_pattern_regex(pc.fill_null(text, ""), _NOT_IN_LOCAL_PART)
    rows = pc.list_parent_indices(tokens).to_numpy()
    flat = pc.list_flatten(tokens)
    long_enough = pc.greater_equal(pc.utf8_length(flat), MIN_LOCAL_PART)
    return flat.filter(long_enough), rows[long_enough.to_numpy(zero_copy_only=False)]


def whole_numbers(text: pa.Array) -> dict[int, np.ndarray]:
    """Each length from 8 to 19 digits, and the numbers of exactly that length written in `text`
    (`_Numbers.whole`). A value of digits and separators alone, as raw phone, card and SSN columns
    are, holds one number, its digits, read straight from the bytes; only the other values go
    through `_Numbers`, which finds where numbers start and end.

    >>> {length: values.tolist() for length, values in whole_numbers(pa.array(["(555) 010-9999", "id 12345678", "x"])).items()}
    {8: [12345678], 10: [5550109999]}
    """
    plain = pc.fill_null(pc.match_substring_regex(text, _ONLY_DIGITS_AND_SEPARATORS), False)
    found = _Numbers.of(text.filter(pc.invert(plain))).whole()
    data, offsets = byte_layout(text.filter(plain))
    if data.size == 0:
        return found
    is_digit = _IS_DIGIT[data]
    digits = data[is_digit] - np.uint8(ord("0"))
    counts = np.diff(offsets) - np.diff(np.searchsorted(np.flatnonzero(~is_digit), offsets))  # bytes - separators
    starts = np.cumsum(counts) - counts
    for length in np.unique(counts[(counts >= MIN_NUMBER_DIGITS) & (counts <= MAX_NUMBER_DIGITS)]).tolist():
        parsed = digit_values(digits, starts[counts == length], length)
        found[length] = np.concatenate([found.get(length, np.zeros(0, np.uint64)), parsed])
    return dict(sorted(found.items()))


def identifier_digests(values: pd.Series, key: bytes) -> IdentifierDigests:
    """Digests of the raw identifiers of a column that could identify someone, to keep instead
    of the identifiers.

    >>> digests = identifier_digests(pd.Series(["a@x.org", "A@x.org ", None, "", "25"]), b"k" * 16)
    >>> len(digests.values), len(digests.local_parts)
    (1, 0)
    """
    check_key(key)
    text = normalised(distinct_values(text_array(values))[0])
    text = text.filter(pa.array(identifying(text)))
    numbers = whole_numbers(text)
    at = pc.split_pattern(text, "@", max_splits=1, reverse=True)
    emails = pc.equal(pc.list_value_length(at), 2)
    local = pc.list_element(at.filter(emails), 0)
    local = local.filter(pc.greater_equal(pc.utf8_length(local), MIN_LOCAL_PART))
    return IdentifierDigests(
        distinct_sorted(keyed_hashes(text, key, WHOLE)),
        number_hashes(numbers, key),
        distinct_sorted(keyed_hashes(local, key, LOCAL_PARTS)),
    )


@dataclass(frozen=True)
class Lookups:
    """The digests of one kind that published values are looked up by: the position of the value
    each belongs to, the digest, and whether it is a window inside a longer number (which chance
    may explain) rather than a whole number. Both engines derive these (`lookups`) and the bit a
    hit sets (`match_bits`); they differ only in how they test membership and OR the bits of each
    value: a binary search and `matched` here, a join and `bit_or` in Spark."""

    kind: int
    rows: np.ndarray
    digests: np.ndarray
    inside: np.ndarray

    def match_bits(self, inside: np.ndarray) -> np.ndarray:
        """The match-mask bit that digests of this kind set in their value's mask when they are a
        raw identifier's, given whether each is a window (`inside`: all of them, or the hits)."""
        if self.kind == KIND_WHOLE:
            return np.full(inside.size, WHOLE_MATCH, np.int64)
        if self.kind == KIND_LOCAL_PART:
            return np.full(inside.size, LOCAL_PART_MATCH, np.int64)
        return np.where(inside, window_bit(self.kind), EXACT_NUMBER_MATCH).astype(np.int64)


def lookups(text: pa.Array, key: bytes, lengths: Iterable[int], local_parts: bool) -> list[Lookups]:
    """Every digest the normalised values `text` are looked up by: each value whole; every
    `length` consecutive digits of its numbers, for the `lengths` raw numbers have; its e-mail
    local-part tokens when raw local parts exist. Nothing is looked for that no raw digest could
    match, so the windows counted are those the chance bound weighs.

    >>> [(part.kind, part.rows.tolist(), part.inside.tolist()) for part in lookups(pa.array(["id 123456789", "x"]), b"k" * 16, [9], False)]
    [(0, [0, 1], [False, False]), (9, [0], [False])]
    """
    found = [Lookups(KIND_WHOLE, np.arange(len(text)), keyed_hashes(text, key, WHOLE), np.zeros(len(text), bool))]
    lengths = list(lengths)
    numbers = _Numbers.of(text) if lengths else None
    for length in lengths:
        values, value_rows, inside = numbers.windows(length)
        found.append(Lookups(length, value_rows, _keyed_mix(values, key), inside))
    if local_parts:
        tokens, token_rows = local_part_tokens(text)
        if len(tokens):
            found.append(Lookups(KIND_LOCAL_PART, token_rows, keyed_hashes(tokens, key, LOCAL_PARTS), np.zeros(len(tokens), bool)))
    return found


def matched(parts: list[Lookups], hits: list[np.ndarray], size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(per value, the mask of what it holds; per number length, windows examined inside longer
    numbers and how many are raw numbers) from which of the `parts`' digests are raw (`hits`)."""
    masks = np.zeros(size, np.int64)
    windows, window_matches = np.zeros(len(NUMBER_LENGTHS), np.int64), np.zeros(len(NUMBER_LENGTHS), np.int64)
    for part, hit in zip(parts, hits):
        np.bitwise_or.at(masks, part.rows[hit], part.match_bits(part.inside[hit]))
        if part.kind >= MIN_NUMBER_DIGITS:
            windows[part.kind - MIN_NUMBER_DIGITS] = np.count_nonzero(part.inside)
            window_matches[part.kind - MIN_NUMBER_DIGITS] = np.count_nonzero(hit & part.inside)
    return masks, windows, window_matches


def identifier_matches(text: pa.Array, digest_set: DigestSet) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(per normalised value, the mask of what it holds: a raw identifier whole, one of its
    numbers, one of its e-mail local parts; per number length, windows examined inside longer
    numbers and how many matched). Whether a value identifies anyone is the caller's to judge."""
    digests = digest_set.digests
    parts = lookups(text, digest_set.key, digests.numbers, digests.local_parts.size > 0)
    return matched(parts, [in_sorted(part.digests, digests.known(part.kind)) for part in parts], len(text))


def checked(text: pa.Array, value_rows: np.ndarray) -> np.ndarray:
    """Which distinct values are checked: those that could identify someone, held by fewer than
    `COMMON_ROWS` rows of their column.

    >>> checked(pa.array(["ann", "ann", "25", ""]), np.array([1, 5, 1, 1])).tolist()
    [True, False, False, False]
    """
    return identifying(text) & (value_rows < COMMON_ROWS)


@dataclass(frozen=True)
class LeakTally:
    """What the distinct values of a published column hold, as counts without any value: rows in
    all and checked; rows per match mask; per number length, windows examined inside longer
    numbers and matches among them, over distinct values (one value held by many rows is one
    chance to coincide, not many)."""

    rows: int = 0
    rows_checked: int = 0
    mask_rows: Mapping[int, int] = field(default_factory=dict)
    windows: np.ndarray = field(default_factory=lambda: np.zeros(len(NUMBER_LENGTHS), np.int64))
    window_matches: np.ndarray = field(default_factory=lambda: np.zeros(len(NUMBER_LENGTHS), np.int64))


def leak_counts(tally: LeakTally, raw_numbers: Mapping[int, int]) -> dict[str, int]:
    """The counts a leak check reports from a tally: rows holding a raw identifier whole, one of
    its numbers, one of its e-mail local parts, any of these (`rows_with_findings`), and rows
    whose only matches are raw numbers inside longer numbers that chance explains, length by
    length (`rows_with_chance_number_matches`, not findings). `raw_numbers` is how many distinct
    raw numbers each length has (`IdentifierDigests.number_counts`)."""
    chance = sum(
        window_bit(length)
        for length, windows, matches in zip(NUMBER_LENGTHS, tally.windows.tolist(), tally.window_matches.tolist())
        if matches and chance_explains(matches, windows, raw_numbers.get(length, 0), length)
    )
    masks = np.fromiter(tally.mask_rows, np.int64, len(tally.mask_rows))
    rows = np.fromiter(tally.mask_rows.values(), np.int64, len(tally.mask_rows))
    findings = (masks & ~chance) != 0
    numbers = EXACT_NUMBER_MATCH | sum(map(window_bit, NUMBER_LENGTHS))
    return {
        "rows": tally.rows,
        "rows_checked": tally.rows_checked,
        "rows_not_identifying": tally.rows - tally.rows_checked,
        "rows_matching_raw_identifiers": int(rows[(masks & WHOLE_MATCH) != 0].sum()),
        "rows_containing_identifier_numbers": int(rows[(masks & numbers & ~chance) != 0].sum()),
        "rows_containing_email_local_parts": int(rows[(masks & LOCAL_PART_MATCH) != 0].sum()),
        "rows_with_findings": int(rows[findings].sum()),
        "rows_with_chance_number_matches": int(rows[~findings].sum()),
    }
