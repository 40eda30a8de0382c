"""A synthetic users table at any size: realistic identifiers, quasi-identifiers and sensitive values.

Deterministic for a seed and built column by column with numpy and Arrow (a million rows in a few
seconds; no per-row Faker calls: Faker's name lists and their frequencies are only sampled).
Quasi-identifiers are drawn so that k-anonymity is reachable with moderate generalization:
ZIP codes come from 12 three-digit prefixes (one city each, 6 leading digits in all) with 10
endings each, birth dates span 1940–2005, sex is F or M. Card numbers pass the Luhn check and are
written in groups of four separated by '-' or ' '.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from faker.providers.person.en_US import Provider as _Names

# (city, state, ZIP prefix, share of users)
CITIES = [
    ("New York", "NY", "100", 0.16),
    ("Brooklyn", "NY", "112", 0.10),
    ("Boston", "MA", "021", 0.07),
    ("Philadelphia", "PA", "191", 0.07),
    ("Pittsburgh", "PA", "152", 0.04),
    ("Chicago", "IL", "606", 0.12),
    ("Minneapolis", "MN", "554", 0.05),
    ("Houston", "TX", "770", 0.10),
    ("Austin", "TX", "787", 0.06),
    ("Seattle", "WA", "981", 0.08),
    ("Portland", "OR", "972", 0.05),
    ("San Diego", "CA", "921", 0.10),
]
ZIP_ENDINGS_PER_CITY = 10
DIAGNOSES = [
    ("Hypertension", 0.20),
    ("Type 2 diabetes", 0.13),
    ("Asthma", 0.10),
    ("Depression", 0.10),
    ("Anxiety disorder", 0.09),
    ("Migraine", 0.08),
    ("Osteoarthritis", 0.07),
    ("Hypothyroidism", 0.06),
    ("GERD", 0.06),
    ("Chronic kidney disease", 0.04),
    ("Coronary artery disease", 0.04),
    ("HIV", 0.03),
]
CHANNELS = [("web", 0.45), ("mobile", 0.35), ("store", 0.12), ("referral", 0.08)]
EMAIL_DOMAINS = [
    ("gmail.com", 0.45),
    ("yahoo.com", 0.2),
    ("hotmail.com", 0.15),
    ("outlook.com", 0.1),
    ("icloud.com", 0.1),
]
USER_COLUMNS = [
    "user_id",
    "full_name",
    "email",
    "phone",
    "ssn",
    "credit_card",
    "ip_address",
    "birth_date",
    "sex",
    "zipcode",
    "city",
    "diagnosis",
    "income",
    "signup_channel",
    "purchase_count",
]
USERS_QUASI_IDENTIFIERS = ["birth_date", "sex", "zipcode", "city"]
_BIRTH_RANGE = (np.datetime64("1940-01-01"), np.datetime64("2005-12-31"))
_LUHN_DOUBLED = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.uint8)
_ID_STRIDE = 7919  # prime, coprime with 10**8: ids are distinct and look unordered


def generate_users(rows: int, seed: int) -> pd.DataFrame:
    """`rows` synthetic users; the same (rows, seed) always gives the same table.

    >>> users = generate_users(1000, seed=7)
    >>> users.shape, users["user_id"].is_unique
    ((1000, 15), True)
    """
    rng = np.random.default_rng(seed)
    sex = np.where(rng.random(rows) < 0.51, "F", "M")
    first, last = _names(rng, sex == "F")
    city = _weighted(rng, CITIES, rows)
    ids = (seed * 1_000_003 + np.arange(rows, dtype=np.int64) * _ID_STRIDE) % 10**8
    columns = {
        "user_id": pc.binary_join_element_wise("U", _padded(ids, 8), ""),
        "full_name": pc.binary_join_element_wise(first, last, " "),
        "email": _emails(rng, first, last),
        "phone": _digits_format(rng, rows, "(aaa) bbb-cccc", {"a": (201, 990), "b": (200, 1000), "c": (0, 10000)}),
        "ssn": _ssns(rng, rows),
        "credit_card": _card_numbers(rng, rows),
        "ip_address": _ip_addresses(rng, rows),
        "birth_date": _birth_dates(rng, rows),
        "sex": pa.array(sex),
        "zipcode": _zipcodes(rng, city),
        "city": pa.array([name for name, _, _, _ in CITIES]).take(pa.array(city)),
        "diagnosis": pa.array([name for name, _ in DIAGNOSES]).take(pa.array(_weighted(rng, DIAGNOSES, rows))),
        "signup_channel": pa.array([name for name, _ in CHANNELS]).take(pa.array(_weighted(rng, CHANNELS, rows))),
    }
    frame = pd.DataFrame({name: pd.array(values, dtype="str") for name, values in columns.items()})
    frame["income"] = (np.round(rng.lognormal(10.8, 0.6, rows) / 100) * 100).astype(np.int64)
    frame["purchase_count"] = rng.negative_binomial(2, 0.25, rows).astype(np.int64)
    return frame[USER_COLUMNS]


def city_hierarchy() -> pd.DataFrame:
    """The generated cities' generalization table in ARX's layout: city, state, `*` (no header).

    >>> city_hierarchy().iloc[0].tolist()
    ['New York', 'NY', '*']
    """
    return pd.DataFrame([(name, state, "*") for name, state, _, _ in CITIES])


def _weighted(rng: np.random.Generator, choices: list[tuple], rows: int) -> np.ndarray:
    weights = np.array([choice[-1] for choice in choices], dtype=np.float64)
    return rng.choice(len(choices), size=rows, p=weights / weights.sum())


def _names(rng: np.random.Generator, female: np.ndarray) -> tuple[pa.Array, pa.Array]:
    women, men, surnames = (
        _frequencies(table) for table in (_Names.first_names_female, _Names.first_names_male, _Names.last_names)
    )
    first = np.where(female, _draw(rng, women, female.size), _draw(rng, men, female.size) + len(women[0]))
    first_names = pa.array([*women[0], *men[0]]).take(pa.array(first))
    return first_names, pa.array(surnames[0]).take(pa.array(_draw(rng, surnames, female.size)))


def _frequencies(table: dict[str, float]) -> tuple[list[str], np.ndarray]:
    weights = np.fromiter(table.values(), dtype=np.float64)
    return list(table), weights / weights.sum()


def _draw(rng: np.random.Generator, names: tuple[list[str], np.ndarray], rows: int) -> np.ndarray:
    return rng.choice(len(names[0]), size=rows, p=names[1])


def _emails(rng: np.random.Generator, first: pa.Array, last: pa.Array) -> pa.Array:
    rows = len(first)
    number = pc.cast(pa.array(rng.integers(1, 1000, rows)), pa.string())
    number = pc.if_else(pa.array(rng.random(rows) < 0.7), number, "")
    domains = pa.array([name for name, _ in EMAIL_DOMAINS]).take(pa.array(_weighted(rng, EMAIL_DOMAINS, rows)))
    local = pc.binary_join_element_wise(pc.utf8_lower(first), pc.utf8_lower(last), ".")
    return pc.binary_join_element_wise(local, number, "@", domains, "")


def _padded(numbers: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width, "0")


def _digits_format(rng: np.random.Generator, rows: int, layout: str, ranges: dict[str, tuple[int, int]]) -> pa.Array:
    """Fill a layout such as `(aaa) bbb-cccc`: each letter group is one zero-padded random number."""
    text = np.frombuffer(layout.encode() * rows, dtype=np.uint8).reshape(rows, len(layout)).copy()
    for letter, (low, high) in ranges.items():
        positions = [i for i, c in enumerate(layout) if c == letter]
        _write_number(text, positions, rng.integers(low, high, rows))
    return _fixed_width_text(text)


def _write_number(text: np.ndarray, positions: list[int], numbers: np.ndarray) -> None:
    for power, position in enumerate(reversed(positions)):
        text[:, position] = (numbers // 10**power) % 10 + ord("0")


def _fixed_width_text(text: np.ndarray) -> pa.Array:
    rows, width = text.shape
    offsets = np.arange(rows + 1, dtype=np.int32) * width
    return pa.StringArray.from_buffers(rows, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(text)))


def _ssns(rng: np.random.Generator, rows: int) -> pa.Array:
    area = rng.integers(1, 899, rows)
    area = np.where(area >= 666, area + 1, area)
    text = np.frombuffer(b"aaa-gg-ssss" * rows, dtype=np.uint8).reshape(rows, 11).copy()
    _write_number(text, [0, 1, 2], area)
    _write_number(text, [4, 5], rng.integers(1, 100, rows))
    _write_number(text, [7, 8, 9, 10], rng.integers(1, 10000, rows))
    return _fixed_width_text(text)


def _card_numbers(rng: np.random.Generator, rows: int) -> pa.Array:
    """16-digit Visa (4…) and Mastercard (51–55…) numbers with a valid Luhn check digit."""
    digits = rng.integers(0, 10, (rows, 16), dtype=np.uint8)
    visa = rng.random(rows) < 0.7
    digits[:, 0] = np.where(visa, 4, 5)
    digits[:, 1] = np.where(visa, digits[:, 1], rng.integers(1, 6, rows, dtype=np.uint8))
    doubled = _LUHN_DOUBLED[digits[:, 0:15:2]].sum(axis=1, dtype=np.int32)
    total = doubled + digits[:, 1:15:2].sum(axis=1, dtype=np.int32)
    digits[:, 15] = (10 - total % 10) % 10
    separator = np.where(rng.random(rows) < 0.5, ord("-"), ord(" ")).astype(np.uint8)
    text = np.empty((rows, 19), dtype=np.uint8)
    for group in range(4):
        text[:, group * 5 : group * 5 + 4] = digits[:, group * 4 : group * 4 + 4] + ord("0")
        if group < 3:
            text[:, group * 5 + 4] = separator
    return _fixed_width_text(text)


def _ip_addresses(rng: np.random.Generator, rows: int) -> pa.Array:
    octets = [pc.cast(pa.array(rng.integers(low, 255, rows)), pa.string()) for low in (11, 0, 0, 1)]
    return pc.binary_join_element_wise(*octets, ".")


def _birth_dates(rng: np.random.Generator, rows: int) -> pa.Array:
    start, end = _BIRTH_RANGE
    days = start + rng.integers(0, int((end - start).astype(int)) + 1, rows).astype("timedelta64[D]")
    months = days.astype("datetime64[M]")
    text = np.frombuffer(b"yyyy-mm-dd" * rows, dtype=np.uint8).reshape(rows, 10).copy()
    _write_number(text, [0, 1, 2, 3], days.astype("datetime64[Y]").astype(np.int64) + 1970)
    _write_number(text, [5, 6], months.astype(np.int64) % 12 + 1)
    _write_number(text, [8, 9], (days - months.astype("datetime64[D]")).astype(np.int64) + 1)
    return _fixed_width_text(text)


def _zipcodes(rng: np.random.Generator, city: np.ndarray) -> pa.Array:
    prefixes = pa.array([prefix for _, _, prefix, _ in CITIES]).take(pa.array(city))
    endings = rng.integers(0, ZIP_ENDINGS_PER_CITY, city.size) * 7 + 1
    return pc.binary_join_element_wise(prefixes, _padded(endings, 2), "")
