"""A second labelled set, built independently of the one shipped in the package.

The package's set (`core.datasets.labelled_columns`) was written together with the detectors. This
one uses other locales (Czech, Polish, Swedish, Japanese, Turkish, Indian English, Korean, Danish,
Finnish), other Faker providers (licence plates, user agents, hashes, MAC addresses, bank accounts),
other naming conventions (camelCase, abbreviations such as `dob` or `tel_no`, German, French,
Spanish and Dutch words, names that say nothing), messy formats (phones with dots and parentheses,
upper-case e-mails, dates in several orders, numbers with thousands separators, placeholders) and
non-personal look-alikes (event UUIDs, hashes, URLs, amounts, event timestamps, ratings). Its
labels follow what a compliance reviewer expects, not what the detectors happen to find; free text
is a direct identifier (it is dropped: nobody can vouch for what people type into it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from faker import Faker

from anonymization_pipeline.core.datasets.adult import load_adult
from anonymization_pipeline.core.datasets.labelled_columns import LabelledColumn
from anonymization_pipeline.core.policy import FieldClass

ROWS = 150
LOCALES = ("cs_CZ", "pl_PL", "sv_SE", "ja_JP", "tr_TR", "en_IN", "ko_KR", "da_DK", "fi_FI")
DIRECT = FieldClass.DIRECT_IDENTIFIER
QUASI = FieldClass.QUASI_IDENTIFIER
SENSITIVE = FieldClass.SENSITIVE
NON_SENSITIVE = FieldClass.NON_SENSITIVE
Maker = Callable[[Faker, np.random.Generator], object]


@dataclass(frozen=True)
class HeldOutRecipe:
    """One kind of column: names it goes by, its class, one value, and whether values alone tell."""

    names: tuple[str, ...]
    label: FieldClass
    make: Maker
    telling: bool = True


def _phone(fake: Faker, rng: np.random.Generator) -> str:
    """A locale's phone number rewritten as people type them: dots, dashes, spaces or nothing."""
    digits = "".join(ch for ch in fake.phone_number() if ch.isdigit() or ch == "+")
    style = rng.integers(0, 4)
    if style == 0:
        return digits
    if style == 1:
        return ".".join(digits[i : i + 3] for i in range(0, len(digits), 3))
    if style == 2:
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return fake.phone_number()


def _date(value, rng: np.random.Generator) -> str:
    pattern = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%Y%m%d"][rng.integers(0, 5)]
    return value.strftime(pattern)


def _grouped(number: str) -> str:
    """A card number as printed: groups of four digits."""
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def _choice(options: list[str]) -> Maker:
    return lambda fake, rng: options[rng.integers(0, len(options))]


def _thousands(value: float) -> str:
    return f"{value:,.0f}"


RECIPES = [
    HeldOutRecipe(("e_mail", "emailAddress", "mail", "E-Mail-Adresse", "correo"), DIRECT,
                  lambda f, r: f.email().upper() if r.random() < 0.3 else f.free_email()),
    HeldOutRecipe(("tel_no", "mobile", "phoneNo", "telefon", "numero_tel", "telefoonnummer"), DIRECT, _phone),
    HeldOutRecipe(("customer_name", "fullName", "jmeno", "imie_nazwisko", "namn", "kunde"), DIRECT, lambda f, r: f.name()),
    HeldOutRecipe(("surname", "lastName", "prijmeni", "nazwisko", "efternamn"), DIRECT, lambda f, r: f.last_name()),
    HeldOutRecipe(("given_name", "fname", "krestni", "imie", "fornamn"), DIRECT, lambda f, r: f.first_name()),
    HeldOutRecipe(("addr", "streetAddress", "ulice", "ulica", "gatuadress", "Anschrift"), DIRECT, lambda f, r: f.street_address()),
    HeldOutRecipe(("street", "street_name", "strasse", "calle"), DIRECT, lambda f, r: f.street_name(), telling=False),
    HeldOutRecipe(("ssn", "nin", "personal_id", "rodne_cislo", "pesel", "personnummer"), DIRECT, lambda f, r: f.ssn()),
    HeldOutRecipe(("bank_account", "iban", "kontonummer", "IBAN_nr"), DIRECT, lambda f, r: f.iban()),
    HeldOutRecipe(("card_no", "ccnum", "payment_card", "kartennummer"), DIRECT,
                  lambda f, r: f.credit_card_number() if r.random() < 0.5 else _grouped(f.credit_card_number(card_type="visa16"))),
    HeldOutRecipe(("client_ip", "ipAddr", "remote_addr", "src_ip"), DIRECT,
                  lambda f, r: f.ipv4_public() if r.random() < 0.7 else f.ipv6()),
    HeldOutRecipe(("license_plate", "plate", "SPZ", "kenteken", "rejestracja"), DIRECT, lambda f, r: f.license_plate()),
    HeldOutRecipe(("device_id", "mac", "deviceMac", "hw_addr"), DIRECT, lambda f, r: f.mac_address()),
    HeldOutRecipe(("login", "user_handle", "nick", "screen_name"), DIRECT, lambda f, r: f.user_name() + str(r.integers(1, 99))),
    HeldOutRecipe(("member_no", "custRef", "client_number", "kundennr", "numero_cliente"), DIRECT,
                  lambda f, r: f"{f.random_uppercase_letter()}{f.random_uppercase_letter()}-{f.unique.random_int(100_000, 9_999_999)}"),
    HeldOutRecipe(("notes", "remarks", "freitext", "commentaires"), DIRECT,
                  lambda f, r: f"{f.name()} called about {f.sentence(nb_words=6)}"),
    HeldOutRecipe(("dob", "birthDate", "geburtstag", "fecha_nac", "narozeni", "data_urodzenia"), QUASI,
                  lambda f, r: _date(f.date_of_birth(minimum_age=16, maximum_age=95), r)),
    HeldOutRecipe(("age_years", "ageYears", "lat", "wiek", "alder", "leeftijd"), QUASI,
                  lambda f, r: str(int(r.integers(16, 96))), telling=False),
    HeldOutRecipe(("postal", "zip", "psc", "kod_pocztowy", "postnummer", "postleitzahl"), QUASI, lambda f, r: f.postcode(),
                  telling=False),
    HeldOutRecipe(("town", "municipality", "mesto", "miasto", "ort", "kommune"), QUASI, lambda f, r: f.city(), telling=False),
    HeldOutRecipe(("region", "state", "kraj", "wojewodztwo", "lan"), QUASI,
                  lambda f, r: f.administrative_unit() if hasattr(f, "administrative_unit") else f.state(), telling=False),
    HeldOutRecipe(("country", "nationality", "land_code", "pays"), QUASI, lambda f, r: f.country()),
    HeldOutRecipe(("sex", "gender", "pohlavi", "plec", "kon", "geslacht"), QUASI,
                  _choice(["M", "F", "Male", "Female", "m", "f", "X"])),
    HeldOutRecipe(("occupation", "jobTitle", "povolani", "zawod", "yrke", "beruf"), QUASI, lambda f, r: f.job()),
    HeldOutRecipe(("marital", "civil_status", "rodinny_stav", "familienstand"), QUASI,
                  _choice(["married", "single", "divorced", "widowed", "never married", "separated"])),
    HeldOutRecipe(("edu_level", "highest_degree", "vzdelani", "wyksztalcenie", "schooling"), QUASI,
                  _choice(["primary", "secondary", "bachelor", "master", "phd", "vocational", "high school"])),
    HeldOutRecipe(("race_ethnicity", "ethnic_group", "etnicite", "ethnie"), QUASI,
                  _choice(["white", "black", "asian", "hispanic", "other", "mixed race", "indigenous"])),
    HeldOutRecipe(("icd10", "diag", "dx_code", "diagnose", "icd_code"), SENSITIVE,
                  _choice(["J18.9", "E66.9", "I25.10", "C50.911", "F33.1", "K52.9", "R51", "O80", "S72.001A", "B20"])),
    HeldOutRecipe(("salary", "grossIncome", "mzda", "wynagrodzenie", "lon", "gehalt"), SENSITIVE,
                  lambda f, r: _thousands(float(np.round(r.lognormal(10.6, 0.6), -2))), telling=False),
    HeldOutRecipe(("faith", "denomination", "vyznani", "wyznanie", "religion"), SENSITIVE,
                  _choice(["catholic", "protestant", "orthodox", "muslim", "jewish", "buddhist", "none", "hindu"])),
    HeldOutRecipe(("party_affiliation", "voted_for", "politicka_strana"), SENSITIVE,
                  _choice(["Labour", "Conservative", "Liberal", "Green", "Social Democrats", "none"]), telling=False),
    HeldOutRecipe(("union_member", "trade_union", "gewerkschaft"), SENSITIVE, _choice(["yes", "no"]), telling=False),
    HeldOutRecipe(("orientation", "sexual_pref"), SENSITIVE, _choice(["straight", "gay", "bisexual", "lesbian", "queer"])),
    HeldOutRecipe(("event_id", "txn_uuid", "request_id", "trace_id"), NON_SENSITIVE, lambda f, r: f.uuid4(), telling=False),
    HeldOutRecipe(("checksum", "sha1", "file_hash", "etag"), NON_SENSITIVE,
                  lambda f, r: f.sha1() if r.random() < 0.5 else f.md5()),
    HeldOutRecipe(("user_agent", "ua", "browser"), NON_SENSITIVE, lambda f, r: f.user_agent()),
    HeldOutRecipe(("landing_page", "url", "referrer"), NON_SENSITIVE, lambda f, r: f.uri()),
    HeldOutRecipe(("sku", "product_code", "artikelnummer", "item_ref"), NON_SENSITIVE,
                  lambda f, r: f"SKU-{r.integers(1, 40):03d}-{f.random_uppercase_letter()}"),
    HeldOutRecipe(("ean", "barcode", "gtin"), NON_SENSITIVE, lambda f, r: f.ean13()),
    HeldOutRecipe(("total", "orderValue", "castka", "kwota", "belopp"), NON_SENSITIVE,
                  lambda f, r: f"{r.gamma(2.0, 300.0):,.2f}"),
    HeldOutRecipe(("ts", "eventTime", "logged_at", "zeitstempel"), NON_SENSITIVE,
                  lambda f, r: f.date_time_this_month().strftime("%Y-%m-%dT%H:%M:%SZ")),
    HeldOutRecipe(("stars", "score", "hodnoceni", "ocena"), NON_SENSITIVE, lambda f, r: str(int(r.integers(1, 11)))),
    HeldOutRecipe(("status", "order_status", "stav"), NON_SENSITIVE,
                  _choice(["shipped", "pending", "cancelled", "delivered", "returned"])),
    HeldOutRecipe(("review", "feedback", "product_comment"), DIRECT, lambda f, r: f.sentence(nb_words=10), telling=False),
    HeldOutRecipe(("lang", "locale", "language"), NON_SENSITIVE, lambda f, r: f.language_code()),
    HeldOutRecipe(("weight_kg", "qty", "pocet", "ilosc"), NON_SENSITIVE, lambda f, r: f"{r.uniform(0.1, 40):.1f}"),
]
ADULT_LABELS = {
    "age": QUASI, "sex": QUASI, "race": QUASI, "marital-status": QUASI, "education": QUASI,
    "native-country": QUASI, "occupation": QUASI, "salary-class": SENSITIVE, "workclass": QUASI,
}
PLACEHOLDERS = ["N/A", "-", "", "unknown", "NULL", "?"]


def held_out_columns(seed: int = 0) -> list[LabelledColumn]:
    """Every held-out column, reproducible for a seed."""
    rng = np.random.default_rng(seed)
    columns: list[LabelledColumn] = []
    for number, locale in enumerate(LOCALES):
        fake = Faker(locale)
        fake.seed_instance(seed * 7_919 + number)
        for recipe in RECIPES:
            values = _messy(pd.Series([recipe.make(fake, rng) for _ in range(ROWS)], dtype="object"), rng)
            name = recipe.names[rng.integers(0, len(recipe.names))]
            columns.append(LabelledColumn(name, values, recipe.label, f"held-out {locale}"))
            if recipe.telling:
                columns.append(LabelledColumn(f"f{rng.integers(100, 999)}", values, recipe.label, f"held-out {locale}, obfuscated"))
        fake.unique.clear()
    adult = load_adult().sample(ROWS * 4, random_state=seed + 3).reset_index(drop=True)
    for position, (name, label) in enumerate(ADULT_LABELS.items()):
        values = _messy(adult[name].astype("str").str.lower() if position % 2 else adult[name].astype("str"), rng)
        columns.append(LabelledColumn(f"attr_{chr(65 + position)}", values, label, "adult, obfuscated"))
    return columns


def _messy(values: pd.Series, rng: np.random.Generator) -> pd.Series:
    """Nulls, placeholders in words, stray spaces, or clean: what real extracts hold."""
    values = values.astype("object").copy()
    mess = rng.integers(0, 4)
    if mess == 1:
        values[rng.random(len(values)) < rng.uniform(0.1, 0.5)] = None
    elif mess == 2:
        chosen = rng.random(len(values)) < 0.08
        values[chosen] = rng.choice(PLACEHOLDERS, int(chosen.sum()))
    elif mess == 3:
        values = values.map(lambda value: f" {value} ")
    return values
