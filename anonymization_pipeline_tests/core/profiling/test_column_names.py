"""Column names in seven languages, split however people write them."""

from __future__ import annotations

import pytest

from anonymization_pipeline.core.profiling.column_names import hint_from_name
from anonymization_pipeline.core.profiling.kinds import Kind

NAMES = [
    ("email", Kind.EMAIL), ("E-Mail-Adresse", Kind.EMAIL), ("courriel", Kind.EMAIL), ("customerEmailAddress", Kind.EMAIL),
    ("Telefonnummer", Kind.PHONE), ("numero_telephone", Kind.PHONE), ("telefoonnummer", Kind.PHONE), ("celular", Kind.PHONE),
    ("Geburtsdatum", Kind.DATE_OF_BIRTH), ("date_de_naissance", Kind.DATE_OF_BIRTH), ("fechaNacimiento", Kind.DATE_OF_BIRTH),
    ("data_di_nascita", Kind.DATE_OF_BIRTH), ("geboortedatum", Kind.DATE_OF_BIRTH), ("DOB", Kind.DATE_OF_BIRTH),
    ("PLZ", Kind.POSTAL_CODE), ("code_postal", Kind.POSTAL_CODE), ("zipCode", Kind.POSTAL_CODE), ("cap", Kind.POSTAL_CODE),
    ("age", Kind.AGE), ("Alter", Kind.AGE), ("edad", Kind.AGE), ("leeftijd", Kind.AGE), ("idade", Kind.AGE),
    ("gender", Kind.SEX), ("Geschlecht", Kind.SEX), ("sexo", Kind.SEX), ("geslacht", Kind.SEX),
    ("sexual_orientation", Kind.SEXUAL_ORIENTATION), ("ip_address", Kind.IP_ADDRESS), ("IP-Adresse", Kind.IP_ADDRESS),
    ("first_name", Kind.PERSON_NAME), ("Nachname", Kind.PERSON_NAME), ("prenom", Kind.PERSON_NAME), ("name", Kind.PERSON_NAME),
    ("kundennummer", Kind.CUSTOMER_REFERENCE), ("customer_id", Kind.CUSTOMER_REFERENCE), ("user_name", Kind.CUSTOMER_REFERENCE),
    ("Familienstand", Kind.MARITAL_STATUS), ("estado_civil", Kind.MARITAL_STATUS), ("religione", Kind.RELIGION),
    ("Beruf", Kind.OCCUPATION), ("profissao", Kind.OCCUPATION), ("Wohnort", Kind.PLACE), ("nationalite", Kind.PLACE),
    ("salary", Kind.INCOME), ("Einkommen", Kind.INCOME), ("stipendio", Kind.INCOME), ("diagnosis", Kind.HEALTH),
    ("icd10_code", Kind.HEALTH_CODE), ("iban", Kind.IBAN), ("codice_fiscale", Kind.NATIONAL_ID), ("bsn", Kind.NATIONAL_ID),
    ("Strasse", Kind.STREET_ADDRESS), ("direccion", Kind.STREET_ADDRESS), ("opmerkingen", Kind.FREE_TEXT),
]


@pytest.mark.parametrize(("name", "kind"), NAMES)
def test_a_name_points_to_its_kind(name, kind):
    assert hint_from_name(name).kind is kind


@pytest.mark.parametrize("name", ["col_17", "language", "page", "usage", "product_name", "total", "v1"])
def test_names_that_say_nothing_point_nowhere(name):
    assert hint_from_name(name) is None


def test_the_longest_phrase_wins():
    assert hint_from_name("email_address").phrase == "email_address"
    assert hint_from_name("marital_status").kind is Kind.MARITAL_STATUS
    assert hint_from_name("sexualOrientation").kind is Kind.SEXUAL_ORIENTATION
