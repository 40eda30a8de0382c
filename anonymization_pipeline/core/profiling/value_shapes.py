"""The shape of a column's values when no format or word list names them: numbers and their range,
how unique the values are, how many words they hold, whether they look like street addresses.

These are the weakest evidence, used when neither a validated format, a word list nor the column
name settles the kind: a column of distinct codes is an identifier, long distinct texts are free
text, whole numbers between 0 and 120 centred on adult ages are ages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from anonymization_pipeline.core.profiling.kinds import Kind
from anonymization_pipeline.core.profiling.value_formats import looks_like_birth_years

NUMBER = r"^[+\-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+\-]?[0-9]+)?$"
LETTER = "[A-Za-zÀ-ɏ]"
HOUSE_NUMBER_FIRST = rf"^[0-9]{{1,6}}[A-Za-z]?,?\s+{LETTER}{{2,}}"
"""`374 Robert Point`, `70, rue de Lemoine`."""
HOUSE_NUMBER_AFTER = rf"^{LETTER}[A-Za-zÀ-ɏ.'\- ]{{2,60}},?\s[0-9]{{1,5}}[A-Za-z]?(\s*[\-/]\s*[0-9]{{1,5}})?(,|\s|$)"
"""`Josefine-Kade-Allee 9-4`, `Largo Valente, 986`, `Flat 6` (then a line with the street)."""
MONEY = "^[$€£¥]?\\s?-?[0-9]{1,3}([.,'\\s\u00a0][0-9]{3})*([.,][0-9]{1,2})?[\\s\u00a0]?([$€£¥]|[A-Z]{3}|[A-Z][a-zč]{1,2}|zł|kr)?$"
"""`$34,515.16`, `38.711,20 €`, `7.089,90 Kč`: written amounts, not codes."""
USERNAME = r"^[a-z][a-z0-9._\-]{2,31}$"
FILE_OR_DOMAIN = (
    r"\.(com|net|org|info|biz|io|de|fr|es|it|nl|pt|uk|at|ch|be|br|pl|cz|tr|ru|jp|cn|in|au|ca|us|eu|edu|gov|"
    r"pdf|docx?|xlsx?|pptx?|csv|txt|json|xml|html?|jpe?g|png|gif|tiff?|wav|mp3|mp4|avi|mov|webm|flac|zip|odt|ods)$"
)
"""`haumer.net`, `fugit.wav`: names of things, not of users."""
HEX_OR_UUID = r"^([0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}|[0-9a-fA-F]{16,64})$"

REFERENCE_DISTINCT = 0.95
FREE_TEXT_WORDS = 6
LONG_TEXT_WORDS = 10
"""Longer than any address, even one with its town and postcode on a second line."""
AGE_LIMIT = 120
POSTCODE_DIGITS = (4, 5)


@dataclass(frozen=True)
class ValueShape:
    """Figures about a column's sampled values, computed once with Arrow."""

    size: int
    distinct: int
    """Distinct values in the whole sample, which may be larger than the `size` values measured."""
    sample_size: int
    numbers: np.ndarray = field(repr=False)
    """The values that are plain numbers, as floats."""
    letters_share: float
    digits_share: float
    spaces_share: float
    mean_words: float
    mean_length: float
    same_length_share: float

    @property
    def distinct_ratio(self) -> float:
        return self.distinct / self.sample_size if self.sample_size else 0.0

    @property
    def numeric_share(self) -> float:
        return len(self.numbers) / self.size if self.size else 0.0

    @property
    def integers(self) -> bool:
        return len(self.numbers) > 0 and bool(np.all(self.numbers == np.round(self.numbers)))


def measure(values: pa.Array, distinct: int, sample_size: int) -> ValueShape:
    """Figures over `values` (the detection subset); `distinct` is counted over the whole sample of `sample_size`."""
    size = len(values)
    numeric = pc.match_substring_regex(values, NUMBER)
    numbers = pc.cast(values.filter(numeric), pa.float64()).to_numpy(zero_copy_only=False)
    lengths = pc.utf8_length(values)
    counts = pc.value_counts(lengths)
    return ValueShape(
        size=size,
        distinct=distinct,
        sample_size=sample_size,
        numbers=numbers,
        letters_share=_share(pc.match_substring_regex(values, r"\pL"), size),
        digits_share=_share(pc.match_substring_regex(values, r"[0-9]"), size),
        spaces_share=_share(pc.match_substring(values, " "), size),
        mean_words=_mean(pc.list_value_length(pc.utf8_split_whitespace(values))),
        mean_length=_mean(lengths),
        same_length_share=(max(counts.field("counts").to_pylist()) / size) if size else 0.0,
    )


def _share(mask: pa.Array, size: int) -> float:
    return (pc.sum(mask).as_py() or 0) / size if size else 0.0


def _mean(array: pa.Array) -> float:
    return float(pc.mean(array).as_py() or 0.0)


@dataclass(frozen=True)
class ShapeGuess:
    kind: Kind
    confidence: float
    detail: str


def guess_from_shape(values: pa.Array, shape: ValueShape, numeric_source: bool) -> ShapeGuess:
    """The kind the shape alone suggests; `number`, `category` or `text` when it suggests nothing personal."""
    if not numeric_source and _looks_like_postcodes(values, shape):
        return ShapeGuess(Kind.POSTAL_CODE, 0.5, "four- or five-digit strings, some with a leading zero kept")
    money = _share(pc.match_substring_regex(values, MONEY), len(values))
    if money >= 0.9 and shape.numeric_share < 0.95:
        return ShapeGuess(Kind.MONEY, 0.6, f"{money:.0%} are amounts with a currency or thousands separators")
    if shape.numeric_share >= 0.95:
        return _numeric_guess(shape)
    long_texts = shape.mean_words >= LONG_TEXT_WORDS or not _is_address(values, shape)
    if shape.mean_words >= FREE_TEXT_WORDS and shape.distinct_ratio >= 0.5 and long_texts:
        return ShapeGuess(Kind.FREE_TEXT, 0.7, f"{shape.mean_words:.1f} words per value on average, {shape.distinct_ratio:.0%} distinct")
    address = _address_share(values, shape)
    if address >= 0.6 and shape.distinct_ratio >= 0.3:
        return ShapeGuess(Kind.STREET_ADDRESS, 0.8 * address, f"{address:.0%} look like street addresses")
    reference = _reference_share(values, shape)
    if reference >= 0.9:
        return ShapeGuess(
            Kind.CUSTOMER_REFERENCE, 0.5 + 0.4 * shape.distinct_ratio, f"{shape.distinct_ratio:.0%} distinct codes without spaces"
        )
    sentences = _share(pc.match_substring_regex(values, r"[.!?]$"), len(values))
    if shape.distinct_ratio >= 0.9 and shape.mean_words >= 3 and shape.size >= 20 and sentences >= 0.3:
        return ShapeGuess(Kind.FREE_TEXT, 0.5, f"{shape.distinct_ratio:.0%} distinct sentences of {shape.mean_words:.1f} words")
    if shape.distinct <= max(20, shape.sample_size // 10):
        return ShapeGuess(Kind.CATEGORY, 0.5, f"{shape.distinct} distinct values")
    return ShapeGuess(Kind.TEXT, 0.4, f"{shape.distinct_ratio:.0%} distinct texts")


def _numeric_guess(shape: ValueShape) -> ShapeGuess:
    numbers = shape.numbers
    low, median, high = np.percentile(numbers, [5, 50, 95])
    if shape.integers and numbers.min() >= 0 and numbers.max() <= AGE_LIMIT and 18 <= median <= 70 and high <= 92:
        if high - low >= 10 and shape.distinct >= 10:
            return ShapeGuess(Kind.AGE, 0.55, "whole numbers within 0-120, most of them adult ages")
    this_year = date.today().year
    if shape.integers and numbers.min() >= 1900 and numbers.max() <= this_year and looks_like_birth_years(numbers):
        return ShapeGuess(Kind.DATE_OF_BIRTH, 0.5, f"years spread over {high - low:.0f} years, as birth years are")
    digits = np.floor(np.log10(np.maximum(np.abs(numbers), 1))) + 1
    same_digits = np.bincount(digits.astype(int)).max() / len(numbers)
    if shape.integers and shape.distinct_ratio >= REFERENCE_DISTINCT and shape.size >= 20 and same_digits >= 0.8 and median >= 10_000:
        return ShapeGuess(Kind.CUSTOMER_REFERENCE, 0.6, f"{shape.distinct_ratio:.0%} distinct whole numbers of equal length")
    kind = "whole numbers" if shape.integers else "numbers"
    return ShapeGuess(Kind.NUMBER, 0.6, f"{kind} that fit no personal kind")


def _address_share(values: pa.Array, shape: ValueShape) -> float:
    if shape.digits_share < 0.5 or shape.letters_share < 0.5:
        return 0.0
    mask = pc.or_(pc.match_substring_regex(values, HOUSE_NUMBER_FIRST), pc.match_substring_regex(values, HOUSE_NUMBER_AFTER))
    return _share(mask, len(values))


def _is_address(values: pa.Array, shape: ValueShape) -> bool:
    return _address_share(values, shape) >= 0.6


def _looks_like_postcodes(values: pa.Array, shape: ValueShape) -> bool:
    if shape.numeric_share < 0.95 or shape.same_length_share < 0.95 or round(shape.mean_length) not in POSTCODE_DIGITS:
        return False
    leading_zero = _share(pc.starts_with(values, "0"), len(values))
    return leading_zero > 0 and shape.distinct_ratio >= 0.01


def _reference_share(values: pa.Array, shape: ValueShape) -> float:
    """Share of values that are codes (digits or hex, no spaces), when nearly every value is distinct."""
    if shape.distinct_ratio < REFERENCE_DISTINCT or shape.size < 20 or shape.spaces_share > 0.05:
        return 0.0
    coded = pc.or_(pc.match_substring_regex(values, r"[0-9]"), pc.match_substring_regex(values, HEX_OR_UUID))
    username = pc.match_substring_regex(values, USERNAME)
    named_thing = pc.match_substring_regex(values, FILE_OR_DOMAIN)
    return _share(pc.and_(pc.or_(coded, username), pc.invert(named_thing)), len(values))
