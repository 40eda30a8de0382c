"""One column's kind and class, from its values first and its name second.

The order of evidence: a validated format most values are in (e-mail, IBAN, card, phone, ...) wins;
then what the column name says, unless the values contradict it (a column named `email_opt_in`
holding two values is a flag, not addresses); then word lists the values come from (sexes,
occupations, person names); then the values' shape (distinct codes, long texts, ages).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from anonymization_pipeline.core.policy import FieldClass
from anonymization_pipeline.core.profiling.column_names import NameHint, hint_from_name
from anonymization_pipeline.core.profiling.kinds import DIRECT_IDENTIFIER_KINDS, Kind, class_of
from anonymization_pipeline.core.profiling.sampling import ColumnSample
from anonymization_pipeline.core.profiling.value_formats import FormatMatch, TextShape, detect_formats
from anonymization_pipeline.core.profiling.value_shapes import ValueShape, guess_from_shape, measure
from anonymization_pipeline.core.profiling.value_vocabulary import (
    ORGANIZATION_SHARE,
    VocabularyMatch,
    match_vocabularies,
    normalize_values,
    organization_share,
)

DETECTION_LIMIT = 2_000
FORMAT_SHARE = 0.6
"""Share of values in a validated format that decides the kind."""
VOCABULARY_SHARE = 0.7
PERSON_NAME_SHARE = 0.6
FLAG_VALUES = 5
"""A column with this few distinct values (among at least `FLAG_SAMPLE`) holds flags or categories,
whatever its name says about identifiers."""
FLAG_SAMPLE = 20
SHORTEST = {Kind.CREDIT_CARD: 12, Kind.IBAN: 15, Kind.EMAIL: 5, Kind.IP_ADDRESS: 7, Kind.PHONE: 6}
"""Values shorter than this on average cannot be the kind a name says (`credit_card_cvv` holds 3 digits)."""
WEAK_FORMAT_KINDS = frozenset({Kind.DATE, Kind.DATE_OF_BIRTH, Kind.TECHNICAL_ID})
"""Formats that a column name refines: a date column named `birth` is a birth date, hex digests
named `user_id` are pseudonyms of people."""


@dataclass(frozen=True)
class ColumnProfile:
    """What one column holds, how sure the profiler is, and why."""

    name: str
    field_class: FieldClass
    kind: Kind
    confidence: float
    evidence: list[str] = field(default_factory=list)


def profile_column(sample: ColumnSample) -> ColumnProfile:
    """The kind, class and evidence of one sampled column.

    >>> import pyarrow as pa
    >>> profile_column(ColumnSample("col_17", pa.array(["ann@example.org"] * 30), 30, 0)).kind.value
    'email'
    """
    hint = hint_from_name(sample.name)
    evidence = [sample.describe()]
    if sample.size == 0:
        evidence.append("no value to judge: the kind is unknown until the column holds data")
        return ColumnProfile(sample.name, FieldClass.NON_SENSITIVE, Kind.UNKNOWN, 0.0, evidence)
    detected = detection_subset(sample.values)
    shape = measure(detected, len(pc.unique(sample.values)), sample.size)
    evidence.append(f"{shape.distinct} distinct ({shape.distinct_ratio:.0%})")
    text = TextShape(has_digits=shape.digits_share > 0, plain_numbers=shape.numeric_share == 1.0)
    formats = detect_formats(detected, hint.kind if hint is not None else None, text)
    strong = _best_format(formats, hint)
    if strong is not None and not (strong.kind in WEAK_FORMAT_KINDS and _accepts(hint, shape)):
        value_kind, confidence, detail = strong.kind, _confidence(strong.share, hint, strong.kind), strong.detail
    else:
        value_kind, confidence, detail = _from_values(sample, detected, shape, strong)
    evidence.append(detail)
    kind = value_kind
    if hint is not None:
        if value_kind is hint.kind:
            verdict = "agrees with the values"
        elif (strong is None or strong.kind in WEAK_FORMAT_KINDS) and _accepts(hint, shape):
            kind, confidence = hint.kind, 0.6
            verdict = f"decides (the values alone suggest {value_kind.value})"
        else:
            verdict = "overruled by the values"
        evidence.append(f"column name matches '{hint.phrase}' ({hint.kind.value}), {verdict}")
        if kind is hint.kind and value_kind is hint.kind:
            confidence = max(confidence, 0.9)
    return ColumnProfile(sample.name, class_of(kind), kind, round(confidence, 2), evidence)


def detection_subset(values: pa.Array) -> pa.Array:
    """At most `DETECTION_LIMIT` values spread evenly over the sample: enough to estimate each
    pattern's share within a few percent, whatever the sample size. Counts (distinct values, missing
    cells) still come from the whole sample."""
    if len(values) <= DETECTION_LIMIT:
        return values
    return values[:: len(values) // DETECTION_LIMIT][:DETECTION_LIMIT]


def _from_values(
    sample: ColumnSample, detected: pa.Array, shape: ValueShape, weak_format: FormatMatch | None
) -> tuple[Kind, float, str]:
    """What the values say when no decisive format does: a date format, a word list, or the shape."""
    if weak_format is not None:
        return weak_format.kind, 0.9 * weak_format.share, weak_format.detail
    firms = organization_share(detected)
    if firms >= ORGANIZATION_SHARE:
        return Kind.ORGANIZATION, 0.6, f"{firms:.0%} carry a legal form (GmbH, Ltd, S.A., ...): names of firms"
    words = _best_vocabulary(detected, shape)
    if words is not None:
        return words.kind, 0.85 * words.share, words.detail
    guess = guess_from_shape(detected, shape, sample.numeric_source)
    return guess.kind, guess.confidence, guess.detail


def _best_format(formats: list[FormatMatch], hint: NameHint | None) -> FormatMatch | None:
    """The format most values are in; the one the name points to when it holds for most values too."""
    decisive = [match for match in formats if match.share >= FORMAT_SHARE]
    named = [match for match in formats if hint is not None and match.kind is hint.kind and match.share >= 0.5]
    if named:
        return named[0]
    return max(decisive, key=lambda match: match.share, default=None)


def _accepts(hint: NameHint | None, shape: ValueShape) -> bool:
    """Whether the name's kind stands against these values: identifiers are not flags."""
    if hint is None:
        return False
    if hint.kind in DIRECT_IDENTIFIER_KINDS and shape.size >= FLAG_SAMPLE and shape.distinct <= FLAG_VALUES:
        return False
    if hint.kind is Kind.CUSTOMER_REFERENCE and shape.distinct_ratio < 0.5:
        return False
    if shape.mean_length < SHORTEST.get(hint.kind, 0):
        return False
    return True


def _best_vocabulary(values: pa.Array, shape: ValueShape) -> VocabularyMatch | None:
    """The word list that covers most values; person names only when no shorter list explains them
    (`White` is a surname and an ethnicity; `Austin` a first name and a city)."""
    if shape.letters_share < 0.5:
        return None
    matches = match_vocabularies(values, normalize_values(values))
    lists = [match for match in matches if match.kind is not Kind.PERSON_NAME and match.share >= VOCABULARY_SHARE]
    if lists:
        return max(lists, key=lambda match: match.share)
    names = [match for match in matches if match.kind is Kind.PERSON_NAME and match.share >= PERSON_NAME_SHARE]
    if names and shape.distinct >= min(10, shape.size):
        return names[0]
    return None


def _confidence(value_share: float, hint: NameHint | None, kind: Kind) -> float:
    """Values alone count 90% of their share; a name that agrees halves the remaining doubt."""
    if hint is not None and hint.kind is kind:
        return min(0.99, 1 - (1 - value_share) / 2)
    return 0.9 * value_share
