"""Kinds and classes from values first, names second: a table of columns and what they hold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline.core.profiling import Kind, profile_column
from anonymization_pipeline.core.profiling.sampling import sample_column


def profile(name: str, values: list, size: int = 1_000, dtype: str = "str"):
    return profile_column(sample_column(name, pd.Series(values, dtype=dtype), size, np.random.default_rng(0)))


def repeated(values: list[str], times: int = 10) -> list[str]:
    return values * times


OBFUSCATED = [
    ("email", repeated(["ann.lee@example.org", "BOB@Mail.example.COM", "c.d+tag@uni.ac.uk", "x_y@foo.de"]), Kind.EMAIL),
    ("phone in many regions", repeated(["+44 20 7946 0958", "(212) 555-0199", "+49 30 901820", "06 12 34 56 78", "+351 912 345 678"]), Kind.PHONE),
    ("phone with an unassigned area code", repeated(["(099) 555-0100", "(111) 555-0101", "(123) 555-0102"]), Kind.PHONE),
    ("card numbers", repeated(["4111 1111 1111 1111", "5500-0000-0000-0004", "340000000000009", "6011000000000004"]), Kind.CREDIT_CARD),
    ("IBAN", repeated(["DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "FR1420041010050500013M02606", "NL91ABNA0417164300"]), Kind.IBAN),
    ("US SSN", repeated(["123-45-6789", "234-56-7890", "345-67-8901"]), Kind.NATIONAL_ID),
    ("Dutch BSN", repeated(["111222333", "123456782", "010000446"]), Kind.NATIONAL_ID),
    ("French NIR", repeated(["172023201312126", "295109912611193", "180126955222380"]), Kind.NATIONAL_ID),
    ("IPv4 and IPv6", repeated(["192.168.0.1", "10.0.0.255", "2001:db8::1", "fe80::1ff:fe23:4567:890a"]), Kind.IP_ADDRESS),
    ("ICD-10 codes", repeated(["E11.9", "I10", "J45.909", "F32.9", "M54.5"]), Kind.HEALTH_CODE),
    ("UK postcodes", repeated(["SW1A 1AA", "EC1A 1BB", "W1A 0AX", "M1 1AE", "B33 8TH"]), Kind.POSTAL_CODE),
    ("birth dates", [f"{1940 + i % 60}-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(300)], Kind.DATE_OF_BIRTH),
    ("recent dates", [f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(300)], Kind.DATE),
    ("sex in German", repeated(["männlich", "weiblich", "divers"]), Kind.SEX),
    ("marital status in Spanish", repeated(["casado", "soltero", "divorciado", "viudo"]), Kind.MARITAL_STATUS),
    ("religions", repeated(["Christian", "Muslim", "Jewish", "Hindu", "Atheist"]), Kind.RELIGION),
    ("income brackets", repeated(["<=50K", ">50K"]), Kind.INCOME),
    ("person names", [f"{first} {last}" for first in ["Anna", "José", "Jan", "Mary", "Luca", "Dr. Paul"] for last in ["Müller", "García", "de Vries", "O'Brien", "Rossi", "Martin"]], Kind.PERSON_NAME),
    ("street addresses", [street.format(n) for n in range(1, 40) for street in ["{} Main Street", "Hauptstraße {}", "{}, rue de Lemoine", "Via Roma, {}", "Rua Augusta {}"]], Kind.STREET_ADDRESS),
    ("firms", repeated(["Müller GmbH", "Smith and Sons", "Rossi s.r.l.", "Garcia", "Dupont"]), Kind.ORGANIZATION),
    ("free text", [f"Customer {i} called about the delivery and asked for a refund today" for i in range(100)], Kind.FREE_TEXT),
    ("codes", [f"U{n:08d}" for n in range(0, 7_919 * 300, 7_919)], Kind.CUSTOMER_REFERENCE),
    ("user names", [f"user.{n}" for n in range(300)], Kind.CUSTOMER_REFERENCE),
    ("age bands", repeated(["18-24", "25-34", "35 to 44", "65+", "under 18"]), Kind.AGE),
    ("generated towns", [f"{prefix} {name}" for prefix in ["North", "Lake", "Port"] for name in ["Sarah", "Jamesville", "Crystalport"]] * 5, Kind.PLACE),
    ("latitudes", [f"{x:.5f}" for x in np.random.default_rng(1).uniform(-90, 90, 300)], Kind.NUMBER),
    ("times of day", [f"{n % 24:02d}:{n % 60:02d}:{(n * 7) % 60:02d}" for n in range(300)], Kind.DATE),
    ("written amounts", [f"${n * 13.7:,.2f}" for n in range(100, 400)], Kind.MONEY),
    ("ISBNs", repeated(["978-0-306-40615-7", "978-3-16-148410-0", "978-1-4028-9462-6", "978-0-596-52068-7"]), Kind.PRODUCT_CODE),
    ("file names", [f"report_{n}.pdf" for n in range(300)], Kind.TEXT),
    ("categories", repeated(["web", "mobile", "store"]), Kind.CATEGORY),
    ("prices", [f"{n * 1.37:.2f}" for n in range(300)], Kind.NUMBER),
    ("birth dates in mixed formats", repeated(["19601024", "1950-01-21", "03.06.1949", "20/06/1940", "07/24/1983"]), Kind.DATE_OF_BIRTH),
    ("MAC addresses", [f"be:81:d8:3b:{n // 256:02x}:{n % 256:02x}" for n in range(300)], Kind.DEVICE_ID),
    ("user agents", repeated(["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
                              "Opera/9.80 (Windows NT 6.1) Presto/2.12.388 Version/12.16", "curl/8.4.0"]), Kind.USER_AGENT),
    ("hex digests", [f"{n:040x}" for n in range(1, 300)] + [f"{n:032x}" for n in range(1, 100)], Kind.TECHNICAL_ID),
    ("@handles", [f"@user_{n}" for n in range(300)], Kind.CUSTOMER_REFERENCE),
    ("Japanese names", repeated(["佐藤 太郎", "鈴木 花子", "高橋 健一", "田中 美咲", "伊藤 翔太", "渡辺 陽子", "山本 直樹", "中村 愛", "小林 誠", "加藤 由美"]), Kind.PERSON_NAME),
]


@pytest.mark.parametrize(("description", "values", "kind"), OBFUSCATED, ids=[case[0] for case in OBFUSCATED])
def test_values_alone_give_the_kind(description, values, kind):
    assert profile("col_17", values).kind is kind


NAMED = [
    ("Geburtsdatum", ["1980-01-02", "1975-06-30"] * 20, Kind.DATE_OF_BIRTH),
    ("code_postal", ["75001", "69002", "13008", "31000"] * 10, Kind.POSTAL_CODE),
    ("Einkommen", ["52000", "61000", "38000", "44500"] * 10, Kind.INCOME),
    ("religione", ["cattolico", "nessuna"] * 20, Kind.RELIGION),
    ("partij", ["VVD", "PvdA", "D66"] * 10, Kind.POLITICAL_OPINION),
    ("orientacao_sexual", ["heterossexual", "gay"] * 20, Kind.SEXUAL_ORIENTATION),
    ("customerEmail", [f"broken address {n}" for n in range(30)], Kind.EMAIL),
    ("telefone", ["912345678", "213456789", "961234567"] * 10, Kind.PHONE),
    ("latitude", [f"{x:.5f}" for x in np.random.default_rng(1).uniform(-90, 90, 300)], Kind.PLACE),
    ("SPZ", [f"{n % 9 + 1}V{n % 7} {1000 + n * 37}" for n in range(40)], Kind.LICENCE_PLATE),
    ("union_member", ["yes", "no"] * 20, Kind.TRADE_UNION),
    ("wynagrodzenie", ["41,200", "56,200", "44,200", "102,000"] * 10, Kind.INCOME),
    ("user_id", [f"{n:040x}" for n in range(1, 300)], Kind.CUSTOMER_REFERENCE),
    ("request_id", [f"8601de2a-2d95-4589-8d14-{n:012x}" for n in range(300)], Kind.TECHNICAL_ID),
    ("sku", [f"SKU-{n % 40:03d}-{chr(65 + n % 26)}" for n in range(300)], Kind.PRODUCT_CODE),
    ("kraj", ["Kraj Vysočina", "Olomoucký kraj", "Moravskoslezský kraj"] * 10, Kind.PLACE),
]


@pytest.mark.parametrize(("name", "values", "kind"), NAMED, ids=[case[0] for case in NAMED])
def test_a_name_decides_what_values_leave_open(name, values, kind):
    assert profile(name, values).kind is kind


def test_values_overrule_a_name_that_says_otherwise():
    column = profile("notes", repeated(["ann@example.org", "bob@example.org", "eve@example.net"]))
    assert column.kind is Kind.EMAIL
    assert column.evidence[-1] == "column name matches 'notes' (free_text), overruled by the values"


def test_a_flag_named_like_an_identifier_is_not_one():
    assert profile("email_opt_in", ["yes", "no"] * 30).kind is Kind.CATEGORY


def test_values_too_short_for_the_kind_a_name_says_are_judged_by_themselves():
    assert profile("credit_card_cvv", [f"{n:03d}" for n in range(100, 400)]).kind is Kind.NUMBER


def test_a_column_of_only_nulls_is_unknown():
    column = profile("email", [None, "", "NA", "null"] * 5)
    assert (column.kind, column.field_class.value, column.confidence) == (Kind.UNKNOWN, "non_sensitive", 0.0)
    assert column.evidence == [
        "0 non-missing values sampled of 20 rows read (20 missing)",
        "no value to judge: the kind is unknown until the column holds data",
    ]


def test_typed_numbers_from_parquet_or_sql_are_judged_like_text():
    ages = profile("col_3", list(np.random.default_rng(1).integers(18, 80, 500)), dtype="int64")
    assert ages.kind is Kind.AGE


def test_the_sample_size_is_in_the_evidence_and_bounds_the_work():
    column = profile("email", [f"person{n}@example.org" for n in range(5_000)], size=250)
    assert column.evidence[0] == "250 non-missing values sampled of 5000 rows read (0 missing)"
    assert column.confidence == 0.99


def test_evidence_never_holds_a_value():
    values = [f"secret{n}@example.org" for n in range(100)]
    for name in ("email", "col_1"):
        assert not any("secret" in line or "@" in line for line in profile(name, values).evidence)
