"""generate_users: deterministic, realistic formats, and quasi-identifiers that k-anonymity can reach."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from anonymization_pipeline.core.datasets.users import USER_COLUMNS, city_hierarchy, generate_users
from anonymization_pipeline.core.operators.mask import mask_digits

USERS = generate_users(20_000, seed=3)


def test_same_seed_same_table_other_seed_other_table():
    assert generate_users(20_000, seed=3).equals(USERS)
    assert not generate_users(20_000, seed=4)["full_name"].equals(USERS["full_name"])
    assert generate_users(0, seed=1).columns.tolist() == USER_COLUMNS


def test_identifier_formats():
    assert USERS.columns.tolist() == USER_COLUMNS and len(USERS) == 20_000
    assert USERS["user_id"].is_unique and USERS["user_id"].str.fullmatch(r"U\d{8}").all()
    assert USERS["email"].str.fullmatch(r"[a-z]+\.[a-z]+\d{0,3}@[a-z]+\.com").all()
    assert USERS["phone"].str.fullmatch(r"\([2-9]\d\d\) [2-9]\d\d-\d{4}").all()
    assert USERS["ssn"].str.fullmatch(r"(?!000|666)\d{3}-(?!00)\d\d-(?!0000)\d{4}").all()
    assert USERS["credit_card"].str.fullmatch(r"(4\d{3}|5[1-5]\d\d)([- ]\d{4}){3}").all()
    assert USERS["ip_address"].str.split(".").apply(lambda parts: all(0 <= int(p) <= 255 for p in parts)).all()
    assert USERS["full_name"].str.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+").all()


def test_every_card_number_passes_the_luhn_check():
    _, luhn = mask_digits(pa.array(USERS["credit_card"].array), 4, "*")
    assert luhn.all()


def test_quasi_identifiers_have_few_values_so_generalization_can_reach_k():
    births = pd.to_datetime(USERS["birth_date"], format="%Y-%m-%d")
    assert births.min() >= pd.Timestamp("1940-01-01") and births.max() <= pd.Timestamp("2005-12-31")
    assert set(USERS["sex"]) == {"F", "M"}
    assert USERS["zipcode"].str.fullmatch(r"\d{5}").all() and USERS["zipcode"].nunique() <= 120
    assert USERS["zipcode"].str[:3].nunique() == 12 and USERS["zipcode"].str[:1].nunique() == 6
    assert (USERS.groupby(USERS["zipcode"].str[:3])["city"].nunique() == 1).all()
    smallest_class = USERS.groupby([USERS["zipcode"].str[:3], births.dt.year // 10, USERS["sex"]]).size().min()
    assert smallest_class >= 5


def test_sensitive_and_other_values_are_plausible():
    assert USERS["diagnosis"].nunique() == 12 and USERS["diagnosis"].value_counts(normalize=True).max() < 0.25
    assert USERS["income"].dtype == np.int64 and USERS["income"].between(1_000, 2_000_000).all()
    assert (USERS["income"] % 100 == 0).all()
    assert set(USERS["signup_channel"]) == {"web", "mobile", "store", "referral"}
    assert USERS["purchase_count"].min() >= 0


def test_city_hierarchy_covers_every_generated_city():
    table = city_hierarchy()
    assert set(USERS["city"]) <= set(table[0]) and (table[2] == "*").all()
