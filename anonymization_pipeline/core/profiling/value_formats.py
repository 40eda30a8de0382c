"""Validated formats: e-mail, IP, IBAN, card, national identifier, ICD-10, postcode, date, phone.

Each detector runs an Arrow regex over the whole sample (vectorised, cheap), and only values that
pass it reach a checking library: `ipaddress`, python-stdnum (IBAN, Luhn, national identifiers of
many countries), phonenumbers (any region). Library calls are bounded (`CHECKED_PER_COLUMN` per
detector), so a column costs the same whatever its size; the share that passes the check scales
the share that passed the regex.

Phone numbers are judged as possible numbers, not assigned ones: a made-up area code is still a
phone number to protect. Plain digit strings without any phone formatting are left to the
identifier rules (they are references, accounts or phones; all are direct identifiers).
"""

from __future__ import annotations

import importlib
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
from stdnum import ean, isbn, luhn
from stdnum import iban as stdnum_iban

from anonymization_pipeline.core.profiling.kinds import QUASI_IDENTIFIER_KINDS, SENSITIVE_KINDS, Kind

CHECKED_PER_COLUMN = 48
"""How many regex-passing values each library check looks at."""
PHONE_REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "NL", "PT", "BR", "IN", "CA", "AU", "BE", "CH", "AT", "PL")
NATIONAL_ID_MODULES = (
    "fr.nir", "de.idnr", "es.dni", "es.nie", "it.codicefiscale", "nl.bsn", "pt.nif", "pt.cc", "br.cpf",
    "gb.nhs", "be.nn", "ca.sin", "in_.aadhaar", "pl.pesel", "se.personnummer", "no.fodselsnummer", "fi.hetu",
    "ch.ssn", "ie.pps", "at.vnr", "us.ssn", "us.itin", "mx.curp", "cn.ric", "za.idnr",
)
SCREENED_PER_SCHEME = 8
"""A scheme must accept nearly all of the first few candidates before it is checked on more."""
NATIONAL_ID_PASS = 0.9
"""Share of checked values one identifier scheme must accept: random digits pass a mod-11 check 1 time in 11."""

EMAIL = r"^[A-Za-z0-9._%+'\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$"
IPV4 = r"^\d{1,3}(\.\d{1,3}){3}$"
IPV6 = r"^[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7}$"
IBAN = r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$"
CARD = r"^[0-9]([ \-]?[0-9]){12,18}$"
SSN_FORMATS = {
    "US social security numbers": r"^\d{3}-\d{2}-\d{4}$",
    "UK national insurance numbers": r"^[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Z]$",
}
ID_CANDIDATE = r"^[0-9A-Za-z][0-9A-Za-z .\-/]{5,24}$"
ICD10 = r"^[A-TV-Z][0-9][0-9AB](\.?[0-9A-TV-Z]{1,4})?$"
POSTCODE_FORMATS = {
    "UK": r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$",
    "CA": r"^[A-Z][0-9][A-Z] ?[0-9][A-Z][0-9]$",
    "NL": r"^[1-9][0-9]{3} ?[A-Z]{2}$",
    "PT": r"^[0-9]{4}-[0-9]{3}$",
    "PL": r"^[0-9]{2}-[0-9]{3}$",
    "US ZIP+4": r"^[0-9]{5}-[0-9]{4}$",
    "BR": r"^[0-9]{5}-[0-9]{3}$",
}
DATE_ISO = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"
TIME_ONLY = r"^[0-2]?[0-9]:[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?( ?[AaPp][Mm])?$"
DATE_OTHER = r"^((19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])|\d{1,2}[./\-]\d{1,2}[./\-]\d{4}|\d{4}[./]\d{1,2}[./]\d{1,2}|\d{1,2}[ \-][A-Za-z]{3,9}[ \-,]+\d{4}|[A-Za-z]{3,9} \d{1,2},? \d{4})$"
MAC_ADDRESS = r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$|^[0-9A-Fa-f]{2}(-[0-9A-Fa-f]{2}){5}$"
HEX_DIGEST = r"^([0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9A-F]{32}|[0-9A-F]{40}|[0-9A-F]{64})$"
SOCIAL_HANDLE = r"^@[A-Za-z0-9_.]{2,30}$"
USER_AGENT = r"^(Mozilla|Opera|Dalvik|curl|Wget|okhttp|python-requests|Googlebot|facebookexternalhit)/[0-9]"
TIME_OF_DAY = r"\d{2}:\d{2}"
AGE_BAND = r"(?i)^(([0-9]{1,3}) ?(-|–|to) ?([0-9]{1,3})|[0-9]{1,3} ?\+|(under|over|<|>) ?[0-9]{1,3})( years)?$"
INCOME_BRACKETS = (
    r"(?i)^[<>]=?\s*[$€£]?\s*[0-9][0-9.,]*\s*k?$",
    r"(?i)^[$€£]?\s*[0-9][0-9.,]*\s*k?\s*(-|–|to)\s*[$€£]?\s*[0-9][0-9.,]*\s*k$",
    r"(?i)^[$€£]\s*[0-9][0-9.,]*\s*k?\s*((-|–|to)\s*[$€£]?\s*[0-9][0-9.,]*\s*k?|\+|or more|and over)$",
)
PHONE = r"^(\+|00)?[0-9 ().\-/]{6,24}( ?(x|ext\.?|#) ?[0-9]{1,6})?$"
PHONE_FORMATTING = r"[+() .\-/]|^0"
PLAIN_NUMBER = r"^[+\-]?[0-9]+(\.[0-9]+)?$"
DECIMAL = r"^[+\-]?[0-9]+\.[0-9]+$"


@dataclass(frozen=True)
class FormatMatch:
    """The share of sampled values in a validated format, and how the evidence words it."""

    kind: Kind
    share: float
    detail: str


def share(mask: pa.Array, total: int) -> float:
    return (pc.sum(mask).as_py() or 0) / total if total else 0.0


def matching(values: pa.Array, pattern: str, ignore_case: bool = False) -> pa.Array:
    return pc.match_substring_regex(values, pattern, ignore_case=ignore_case)


def checked_share(candidates: pa.Array, check: Callable[[str], bool]) -> tuple[float, int]:
    """The share of (at most CHECKED_PER_COLUMN, evenly spread) candidates that `check` accepts."""
    if len(candidates) == 0:
        return 0.0, 0
    step = max(1, len(candidates) // CHECKED_PER_COLUMN)
    chosen = candidates[::step][:CHECKED_PER_COLUMN].to_pylist()
    return sum(1 for value in chosen if check(value)) / len(chosen), len(chosen)


DECISIVE_SHARE = 0.9
"""A format this many values are in ends the search: later detectors only cost time."""


NOT_PHONE_KINDS = frozenset(
    {Kind.NATIONAL_ID, Kind.CUSTOMER_REFERENCE, Kind.CREDIT_CARD, Kind.IBAN} | QUASI_IDENTIFIER_KINDS | SENSITIVE_KINDS
)
"""Names that say what else a column of digits holds (a postcode, an age, a latitude): phone numbers
(any 7 to 15 digits are possible somewhere) are then not looked for."""


def detect_formats(values: pa.Array, hint: Kind | None = None, shape: TextShape | None = None) -> list[FormatMatch]:
    """The validated formats a share of `values` is in, in the order they are tried.

    `hint` is the kind the column's name points to, if any: it lets unformatted phone numbers count,
    or rules phones out. `shape` skips formats the values cannot be in: without digits only e-mails
    and @handles are left; plain numbers can only be card numbers or identifiers (or phones, when so named).
    """
    total = len(values)
    shape = shape or TextShape.of(values)
    if not shape.has_digits:
        detectors: tuple = (_email, _handle)
    elif shape.plain_numbers:
        detectors = (_card, _national_id, _product_codes, _phone) if hint is Kind.PHONE else (_card, _national_id, _product_codes)
    else:
        detectors = (
            (_email, _handle, _device, _ip, _iban, _card, _national_id, _icd10, _postcode, _date,
             _income_brackets, _age_bands, _product_codes, _software, _phone)
        )
    found = []
    for detector in detectors:
        if detector is _phone:
            match = None if hint in NOT_PHONE_KINDS else _phone(values, total, named=hint is Kind.PHONE)
        else:
            match = detector(values, total)
        if match is not None and match.share > 0:
            found.append(match)
            if match.share >= DECISIVE_SHARE:
                break
    return found


@dataclass(frozen=True)
class TextShape:
    """What decides which formats are worth trying."""

    has_digits: bool
    plain_numbers: bool

    @classmethod
    def of(cls, values: pa.Array) -> TextShape:
        plain = bool(len(values)) and bool(pc.all(pc.match_substring_regex(values, PLAIN_NUMBER)).as_py())
        return cls(plain or bool(pc.any(pc.match_substring_regex(values, "[0-9]")).as_py()), plain)


def _email(values: pa.Array, total: int) -> FormatMatch | None:
    if not pc.any(pc.match_substring(values, "@")).as_py():
        return None
    fraction = share(matching(values, EMAIL), total)
    return FormatMatch(Kind.EMAIL, fraction, f"{fraction:.0%} are e-mail addresses")


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _ip(values: pa.Array, total: int) -> FormatMatch | None:
    mask = pc.or_(matching(values, IPV4), matching(values, IPV6))
    fraction = share(mask, total)
    if fraction == 0:
        return None
    valid, checked = checked_share(values.filter(mask), _is_ip)
    return FormatMatch(Kind.IP_ADDRESS, fraction * valid, f"{fraction * valid:.0%} are IP addresses ({checked} parsed by ipaddress)")


def _iban(values: pa.Array, total: int) -> FormatMatch | None:
    compact = pc.utf8_upper(pc.replace_substring(values, " ", ""))
    mask = matching(compact, IBAN)
    fraction = share(mask, total)
    if fraction == 0:
        return None
    valid, checked = checked_share(compact.filter(mask), stdnum_iban.is_valid)
    return FormatMatch(Kind.IBAN, fraction * valid, f"{fraction * valid:.0%} are IBANs ({checked} checked by python-stdnum)")


def _device(values: pa.Array, total: int) -> FormatMatch | None:
    """MAC addresses: a device, and through it its owner, for the device's whole life."""
    fraction = share(matching(values, MAC_ADDRESS), total)
    return FormatMatch(Kind.DEVICE_ID, fraction, f"{fraction:.0%} are MAC addresses") if fraction else None


def _handle(values: pa.Array, total: int) -> FormatMatch | None:
    """`@name` handles: an account on a social network is a person's public name."""
    fraction = share(matching(values, SOCIAL_HANDLE), total)
    return FormatMatch(Kind.CUSTOMER_REFERENCE, fraction, f"{fraction:.0%} are @handles") if fraction else None


def _software(values: pa.Array, total: int) -> FormatMatch | None:
    """What software writes about itself: browsers' user agents and hex digests (checksums, ETags).
    Both are long, varied and unique-looking, which the shape rules would take for a person's text
    or reference; a column *named* for a person (`user_id` holding hashes) keeps the name's kind."""
    agents = share(matching(values, USER_AGENT), total)
    if agents:
        return FormatMatch(Kind.USER_AGENT, agents, f"{agents:.0%} are browser user agents")
    digests = share(matching(values, HEX_DIGEST), total)
    return FormatMatch(Kind.TECHNICAL_ID, digests, f"{digests:.0%} are hex digests (MD5, SHA-1, SHA-256)") if digests else None


def _card(values: pa.Array, total: int) -> FormatMatch | None:
    mask = matching(values, CARD)
    fraction = share(mask, total)
    if fraction == 0:
        return None
    digits = pc.replace_substring_regex(values.filter(mask), r"[ \-]", "")
    valid, checked = checked_share(digits, luhn.is_valid)
    if valid < NATIONAL_ID_PASS:
        return None  # random digit strings pass the Luhn check one time in ten
    return FormatMatch(
        Kind.CREDIT_CARD, fraction * valid, f"{fraction * valid:.0%} are card numbers ({checked} pass the Luhn check, python-stdnum)"
    )


@cache
def _national_id_validators() -> list[tuple[str, Callable[[str], bool]]]:
    """The identifier schemes python-stdnum has, imported on first use."""
    validators = []
    for name in NATIONAL_ID_MODULES:
        try:
            module = importlib.import_module(f"stdnum.{name}")
        except ImportError:
            continue
        validators.append((name.replace("_", ""), module.is_valid))
    return validators


def _national_id(values: pa.Array, total: int) -> FormatMatch | None:
    for scheme, pattern in SSN_FORMATS.items():
        formatted = share(matching(pc.utf8_upper(values), pattern), total)
        if formatted >= 0.5:
            return FormatMatch(Kind.NATIONAL_ID, formatted, f"{formatted:.0%} are formatted as {scheme}")
    mask = pc.and_(matching(values, ID_CANDIDATE), pc.greater_equal(pc.count_substring_regex(values, r"[0-9]"), 6))
    fraction = share(mask, total)
    if fraction < 0.5:
        return None
    candidates = values.filter(mask)
    first = candidates[:SCREENED_PER_SCHEME].to_pylist()
    best_scheme, best = "", 0.0
    for scheme, is_valid in _national_id_validators():
        if sum(1 for value in first if is_valid(value)) < NATIONAL_ID_PASS * len(first):
            continue
        valid, _ = checked_share(candidates, is_valid)
        if valid > best:
            best_scheme, best = scheme, valid
    if best < NATIONAL_ID_PASS:
        return None
    return FormatMatch(
        Kind.NATIONAL_ID, fraction * best, f"{fraction * best:.0%} are valid {best_scheme} identifiers (python-stdnum)"
    )


def _product_codes(values: pa.Array, total: int) -> FormatMatch | None:
    """ISBNs and EAN barcodes (checksums by python-stdnum): codes of things, which a phone or a
    reference rule would otherwise take for a person's."""
    mask = matching(values, r"^[0-9][0-9\- ]{7,16}[0-9Xx]$")
    fraction = share(mask, total)
    if fraction < 0.5:
        return None
    candidates = values.filter(mask)
    for scheme, is_valid in (("ISBN", isbn.is_valid), ("EAN", ean.is_valid)):
        valid, checked = checked_share(candidates, is_valid)
        if valid >= NATIONAL_ID_PASS:
            return FormatMatch(Kind.PRODUCT_CODE, fraction * valid, f"{fraction * valid:.0%} are {scheme} codes (python-stdnum)")
    return None


def _icd10(values: pa.Array, total: int) -> FormatMatch | None:
    """Codes that repeat (a diagnosis is shared by many people) or carry the dot: `C345646` in a
    column of distinct values is a reference, not a code."""
    mask = matching(values, ICD10)
    fraction = share(mask, total)
    codes = values.filter(mask)
    distinct = len(pc.unique(codes))
    if fraction == 0 or distinct < 3:
        return None
    if distinct / len(codes) > 0.5 and share(pc.match_substring(codes, "."), len(codes)) < 0.5:
        return None
    return FormatMatch(Kind.HEALTH_CODE, fraction, f"{fraction:.0%} are ICD-10 codes")


def _postcode(values: pa.Array, total: int) -> FormatMatch | None:
    upper = pc.utf8_upper(values)
    best_region, best = "", 0.0
    for region, pattern in POSTCODE_FORMATS.items():
        fraction = share(matching(upper, pattern), total)
        if fraction > best:
            best_region, best = region, fraction
    if best == 0:
        return None
    return FormatMatch(Kind.POSTAL_CODE, best, f"{best:.0%} are {best_region} postcodes")


def _date(values: pa.Array, total: int) -> FormatMatch | None:
    times = share(matching(values, TIME_ONLY), total)
    if times >= 0.5:
        return FormatMatch(Kind.DATE, times, f"{times:.0%} are times of day")
    iso = matching(values, DATE_ISO)
    mask = pc.or_(iso, matching(values, DATE_OTHER))
    fraction = share(mask, total)
    if fraction == 0:
        return None
    dates = values.filter(mask)
    years = pc.cast(pc.struct_field(pc.extract_regex(dates, r"(?P<year>\d{4})"), [0]), pa.int32()).to_numpy(
        zero_copy_only=False
    )
    timed = share(matching(dates, TIME_OF_DAY), len(dates))
    kind = Kind.DATE_OF_BIRTH if timed < 0.5 and looks_like_birth_years(years) else Kind.DATE
    iso_share = share(iso, total)
    what = "birth dates" if kind is Kind.DATE_OF_BIRTH else "dates"
    return FormatMatch(kind, fraction, f"{fraction:.0%} are {what} ({iso_share:.0%} ISO)")


def _income_brackets(values: pa.Array, total: int) -> FormatMatch | None:
    mask = matching(values, INCOME_BRACKETS[0])
    for pattern in INCOME_BRACKETS[1:]:
        mask = pc.or_(mask, matching(values, pattern))
    fraction = share(mask, total)
    return FormatMatch(Kind.INCOME, fraction, f"{fraction:.0%} are income brackets such as >50K or $20k-40k")


def _age_bands(values: pa.Array, total: int) -> FormatMatch | None:
    """`18-24`, `65+`, `under 18`: bands whose bounds are ages."""
    mask = matching(values, AGE_BAND)
    fraction = share(mask, total)
    if fraction == 0:
        return None
    bounds = pc.extract_regex(values.filter(mask), r"(?P<bound>[0-9]{1,3})")
    if pc.max(pc.cast(pc.struct_field(bounds, [0]), pa.int32())).as_py() > 120:
        return None
    return FormatMatch(Kind.AGE, fraction, f"{fraction:.0%} are age bands")


def looks_like_birth_years(years: np.ndarray) -> bool:
    """Years of people alive now: spread over decades, none in the future, most adults' ages."""
    if len(years) < 5:
        return False
    this_year = date.today().year
    low, median, high = np.percentile(years, [5, 50, 95])
    return years.min() >= 1900 and years.max() <= this_year and high - low >= 15 and 10 <= this_year - median <= 90


def _possible_phone(text: str) -> bool:
    regions = (None,) if text.startswith(("+", "00")) else PHONE_REGIONS
    text = "+" + text[2:] if text.startswith("00") else text
    for region in regions:
        try:
            if phonenumbers.is_possible_number(phonenumbers.parse(text, region)):
                return True
        except phonenumbers.NumberParseException:
            continue
    return False


def _phone(values: pa.Array, total: int, named: bool) -> FormatMatch | None:
    mask = pc.and_(matching(values, PHONE, ignore_case=True), pc.greater_equal(pc.count_substring_regex(values, r"[0-9]"), 7))
    mask = pc.and_(mask, pc.invert(matching(values, DECIMAL)))
    fraction = share(mask, total)
    if fraction == 0:
        return None
    candidates = values.filter(mask)
    formatted = share(matching(candidates, PHONE_FORMATTING), len(candidates))
    if formatted < 0.5 and not named:
        return None
    valid, checked = checked_share(candidates, _possible_phone)
    return FormatMatch(
        Kind.PHONE, fraction * valid, f"{fraction * valid:.0%} are phone numbers ({checked} parsed by phonenumbers)"
    )

