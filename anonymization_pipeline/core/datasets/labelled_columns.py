"""A labelled set of columns for measuring how well `anonymize profile` classifies them.

Built reproducibly for a seed, never shipped as data: Faker in nine locales (names, addresses,
phones, national identifiers, IBANs, cards, jobs, places, free text, in each locale's own formats),
the bundled UCI Adult data and the generated users, each column under a plain name in the locale's
language and again under an obfuscated one (`col_17`, judged by its values alone), with nulls,
stray spaces and upper case mixed in. Sensitive values that only a name can reveal (an income as a
bare number) appear with names only: nobody can tell them from values alone.

>>> columns = labelled_columns(seed=1)
>>> len(columns) >= 300
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from faker import Faker

from anonymization_pipeline.core.datasets.adult import load_adult
from anonymization_pipeline.core.datasets.users import generate_users
from anonymization_pipeline.core.policy import FieldClass

ROWS = 200
LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_PT", "pt_BR")
DIRECT = FieldClass.DIRECT_IDENTIFIER
QUASI = FieldClass.QUASI_IDENTIFIER
SENSITIVE = FieldClass.SENSITIVE
NON_SENSITIVE = FieldClass.NON_SENSITIVE


@dataclass(frozen=True)
class LabelledColumn:
    name: str
    values: pd.Series = field(repr=False)
    label: FieldClass
    source: str


@dataclass(frozen=True)
class ColumnRecipe:
    """How to make one column: its names per language, its class, its values, and whether the values
    alone can tell (only those are also given an obfuscated name)."""

    names: dict[str, str]
    label: FieldClass
    make: Callable[[Faker, np.random.Generator], list]
    telling: bool = True


def _repeat(function: Callable[[], object]) -> Callable[[Faker, np.random.Generator], list]:
    return lambda fake, rng: [function(fake) for _ in range(ROWS)]


def _choose(options: list[str]) -> Callable[[Faker, np.random.Generator], list]:
    return lambda fake, rng: list(rng.choice(options, ROWS))


def _names(en: str, de: str, fr: str, es: str, it: str, nl: str, pt: str) -> dict[str, str]:
    return {"en": en, "de": de, "fr": fr, "es": es, "it": it, "nl": nl, "pt": pt}


ICD10 = ["E11.9", "I10", "J45.909", "F32.9", "M54.5", "K21.9", "E78.5", "F41.1", "N39.0", "J06.9", "G43.909", "Z00.00"]
RECIPES = [
    ColumnRecipe(_names("email", "E-Mail", "courriel", "correo_electronico", "email", "e-mailadres", "email"), DIRECT,
                 _repeat(lambda f: f.email())),
    ColumnRecipe(_names("phone_number", "Telefonnummer", "telephone", "telefono", "cellulare", "telefoonnummer", "telefone"),
                 DIRECT, _repeat(lambda f: f.phone_number())),
    ColumnRecipe(_names("full_name", "Name", "nom_complet", "nombre_completo", "nome_completo", "naam", "nome"), DIRECT,
                 _repeat(lambda f: f.name())),
    ColumnRecipe(_names("last_name", "Nachname", "nom", "apellido", "cognome", "achternaam", "apelido"), DIRECT,
                 _repeat(lambda f: f.last_name())),
    ColumnRecipe(_names("first_name", "Vorname", "prenom", "nombre", "nome", "voornaam", "nome"), DIRECT,
                 _repeat(lambda f: f.first_name())),
    ColumnRecipe(_names("street_address", "Strasse", "adresse", "direccion", "indirizzo", "adres", "morada"), DIRECT,
                 _repeat(lambda f: f.street_address())),
    ColumnRecipe(_names("ssn", "Sozialversicherungsnummer", "numero_securite_sociale", "dni", "codice_fiscale", "bsn",
                        "cpf"), DIRECT, _repeat(lambda f: f.ssn())),
    ColumnRecipe(_names("iban", "IBAN", "iban", "iban", "iban", "rekeningnummer", "iban"), DIRECT,
                 _repeat(lambda f: f.iban())),
    ColumnRecipe(_names("credit_card", "Kreditkarte", "numero_carte", "tarjeta", "carta_credito", "creditcard", "cartao"),
                 DIRECT, _repeat(lambda f: f.credit_card_number())),
    ColumnRecipe(_names("ip_address", "IP-Adresse", "adresse_ip", "direccion_ip", "indirizzo_ip", "ip_adres", "endereco_ip"),
                 DIRECT, _repeat(lambda f: f.ipv4() if f.random_int(0, 4) else f.ipv6())),
    ColumnRecipe(_names("username", "Benutzername", "identifiant", "usuario", "utente", "gebruikersnaam", "utilizador"),
                 DIRECT, _repeat(lambda f: f.user_name() + str(f.random_int(1, 999)))),
    ColumnRecipe(_names("customer_id", "Kundennummer", "numero_client", "id_cliente", "codice_cliente", "klantnummer",
                        "id_cliente"), DIRECT, _repeat(lambda f: f"C{f.unique.random_int(10_000, 999_999)}")),
    ColumnRecipe(_names("record_uuid", "uuid", "uuid", "uuid", "uuid", "uuid", "uuid"), DIRECT,
                 _repeat(lambda f: f.uuid4())),
    ColumnRecipe(_names("comments", "Bemerkung", "commentaire", "comentario", "commento", "opmerking", "observacoes"),
                 DIRECT, _repeat(lambda f: f.paragraph(nb_sentences=3))),
    ColumnRecipe(_names("zip_code", "PLZ", "code_postal", "codigo_postal", "cap", "postcode", "codigo_postal"), QUASI,
                 _repeat(lambda f: f.postcode()), telling=False),
    ColumnRecipe(_names("city", "Wohnort", "ville", "ciudad", "citta", "woonplaats", "cidade"), QUASI,
                 _repeat(lambda f: f.city()), telling=False),
    ColumnRecipe(_names("country", "Land", "pays", "pais", "paese", "land", "pais"), QUASI,
                 _repeat(lambda f: f.country())),
    ColumnRecipe(_names("date_of_birth", "Geburtsdatum", "date_de_naissance", "fecha_nacimiento", "data_nascita",
                        "geboortedatum", "data_nascimento"), QUASI,
                 _repeat(lambda f: f.date_of_birth(minimum_age=18, maximum_age=90).isoformat())),
    ColumnRecipe(_names("age", "Alter", "age", "edad", "eta", "leeftijd", "idade"), QUASI,
                 lambda f, rng: [str(v) for v in rng.integers(18, 90, ROWS)]),
    ColumnRecipe(_names("age_group", "Altersgruppe", "tranche_age", "grupo_edad", "fascia_eta", "leeftijdsgroep", "faixa_etaria"),
                 QUASI, _choose(["18-24", "25-34", "35-44", "45-54", "55-64", "65+"])),
    ColumnRecipe(_names("latitude", "Breitengrad", "latitude", "latitud", "latitudine", "breedtegraad", "latitude"), QUASI,
                 _repeat(lambda f: str(f.latitude())), telling=False),
    ColumnRecipe(_names("gender", "Geschlecht", "sexe", "sexo", "sesso", "geslacht", "genero"), QUASI,
                 _choose(["M", "F", "male", "female"])),
    ColumnRecipe(_names("job_title", "Beruf", "profession", "profesion", "professione", "beroep", "profissao"), QUASI,
                 _repeat(lambda f: f.job())),
    ColumnRecipe(_names("marital_status", "Familienstand", "etat_civil", "estado_civil", "stato_civile",
                        "burgerlijke_staat", "estado_civil"), QUASI,
                 _choose(["Married", "Single", "Divorced", "Widowed", "Separated"])),
    ColumnRecipe(_names("ethnicity", "Herkunft", "origine_ethnique", "etnia", "etnia", "etniciteit", "etnia"), QUASI,
                 _choose(["White", "Black", "Asian", "Hispanic", "Mixed", "Other"])),
    ColumnRecipe(_names("education", "Bildungsabschluss", "diplome", "nivel_educativo", "titolo_studio", "opleiding",
                        "escolaridade"), QUASI, _choose(["High school", "Bachelors", "Masters", "Doctorate", "Some-college"])),
    ColumnRecipe(_names("diagnosis_code", "Diagnose_Code", "code_cim", "codigo_diagnostico", "codice_diagnosi",
                        "diagnose_code", "codigo_diagnostico"), SENSITIVE, _choose(ICD10)),
    ColumnRecipe(_names("religion", "Konfession", "religion", "religion", "religione", "religie", "religiao"), SENSITIVE,
                 _choose(["Christian", "Muslim", "Jewish", "Hindu", "Buddhist", "Atheist", "None"])),
    ColumnRecipe(_names("sexual_orientation", "sexuelle_Orientierung", "orientation_sexuelle", "orientacion_sexual",
                        "orientamento_sessuale", "seksuele_orientatie", "orientacao_sexual"), SENSITIVE,
                 _choose(["Heterosexual", "Gay", "Lesbian", "Bisexual", "Asexual"])),
    ColumnRecipe(_names("blood_type", "Blutgruppe", "groupe_sanguin", "grupo_sanguineo", "gruppo_sanguigno", "bloedgroep",
                        "grupo_sanguineo"), SENSITIVE, _choose(["A+", "A-", "B+", "O+", "O-", "AB+"])),
    ColumnRecipe(_names("annual_income", "Einkommen", "revenu", "ingresos", "reddito", "inkomen", "rendimento"), SENSITIVE,
                 lambda f, rng: [str(int(v)) for v in np.round(rng.lognormal(10.5, 0.5, ROWS), -2)], telling=False),
    ColumnRecipe(_names("political_party", "Partei", "parti_politique", "partido", "partito", "partij", "partido"), SENSITIVE,
                 _choose(["Democrat", "Republican", "Independent", "Green", "Libertarian"]), telling=False),
    ColumnRecipe(_names("order_date", "Bestelldatum", "date_commande", "fecha_pedido", "data_ordine", "besteldatum",
                        "data_pedido"), NON_SENSITIVE, _repeat(lambda f: f.date_between("-2y").isoformat())),
    ColumnRecipe(_names("created_at", "erstellt_am", "date_creation", "fecha_creacion", "data_creazione", "aangemaakt_op",
                        "data_criacao"), NON_SENSITIVE, _repeat(lambda f: f.date_time_this_year().isoformat(sep=" "))),
    ColumnRecipe(_names("amount", "Betrag", "montant", "importe", "importo", "bedrag", "valor"), NON_SENSITIVE,
                 lambda f, rng: [f"{v:.2f}" for v in rng.gamma(2.0, 40.0, ROWS)]),
    ColumnRecipe(_names("quantity", "Menge", "quantite", "cantidad", "quantita", "aantal", "quantidade"), NON_SENSITIVE,
                 lambda f, rng: [str(v) for v in rng.integers(1, 12, ROWS)]),
    ColumnRecipe(_names("color", "Farbe", "couleur", "color", "colore", "kleur", "cor"), NON_SENSITIVE,
                 _repeat(lambda f: f.color_name())),
    ColumnRecipe(_names("is_active", "aktiv", "actif", "activo", "attivo", "actief", "ativo"), NON_SENSITIVE,
                 _choose(["true", "false"])),
    ColumnRecipe(_names("currency", "Waehrung", "devise", "moneda", "valuta", "valuta", "moeda"), NON_SENSITIVE,
                 _repeat(lambda f: f.currency_code())),
    ColumnRecipe(_names("company", "Firma", "entreprise", "empresa", "azienda", "bedrijf", "empresa"), NON_SENSITIVE,
                 _repeat(lambda f: f.company())),
    ColumnRecipe(_names("product_category", "Kategorie", "categorie", "categoria", "categoria", "categorie", "categoria"),
                 NON_SENSITIVE, _choose(["books", "garden", "toys", "electronics", "grocery", "sports"])),
    ColumnRecipe(_names("rating", "Bewertung", "note_client", "valoracion", "valutazione", "beoordeling", "avaliacao"),
                 NON_SENSITIVE, lambda f, rng: [str(v) for v in rng.integers(1, 6, ROWS)]),
]
USERS_LABELS = {
    "user_id": DIRECT, "full_name": DIRECT, "email": DIRECT, "phone": DIRECT, "ssn": DIRECT, "credit_card": DIRECT,
    "ip_address": DIRECT, "birth_date": QUASI, "sex": QUASI, "zipcode": QUASI, "city": QUASI, "diagnosis": SENSITIVE,
    "income": SENSITIVE, "signup_channel": NON_SENSITIVE, "purchase_count": NON_SENSITIVE,
}
USERS_NOT_TELLING = {"income", "purchase_count"}
ADULT_LABELS = {
    "sex": QUASI, "age": QUASI, "race": QUASI, "marital-status": QUASI, "education": QUASI, "native-country": QUASI,
    "workclass": QUASI, "occupation": QUASI, "salary-class": SENSITIVE,
}


def labelled_columns(seed: int = 0) -> list[LabelledColumn]:
    """Every labelled column; the same seed always gives the same columns and values."""
    rng = np.random.default_rng(seed)
    columns: list[LabelledColumn] = []
    for number, locale in enumerate(LOCALES):
        fake = Faker(locale)
        fake.seed_instance(seed * 1_000 + number)
        language = locale[:2]
        for recipe in RECIPES:
            values = _messy(pd.Series(recipe.make(fake, rng), dtype="str"), rng)
            name = _styled(recipe.names[language], rng)
            columns.append(LabelledColumn(name, values, recipe.label, f"faker {locale}"))
            if recipe.telling:
                columns.append(LabelledColumn(f"col_{len(columns)}", values, recipe.label, f"faker {locale}, obfuscated"))
    users = generate_users(ROWS * 5, seed)
    adult = load_adult().sample(ROWS * 5, random_state=seed).reset_index(drop=True)
    for frame, labels, source, not_telling in ((users, USERS_LABELS, "users", USERS_NOT_TELLING), (adult, ADULT_LABELS, "adult", set())):
        for name, label in labels.items():
            values = _messy(frame[name].astype("str"), rng)
            columns.append(LabelledColumn(name, values, label, source))
            if name not in not_telling:
                columns.append(LabelledColumn(f"col_{len(columns)}", values, label, f"{source}, obfuscated"))
    return columns


def _styled(name: str, rng: np.random.Generator) -> str:
    """The name as people write it: as is, in upper case, or in camelCase."""
    style = rng.integers(0, 3)
    if style == 1:
        return name.upper()
    if style == 2:
        head, *rest = name.replace("-", "_").split("_")
        return head.lower() + "".join(part.capitalize() for part in rest)
    return name


def _messy(values: pd.Series, rng: np.random.Generator) -> pd.Series:
    """Some columns get nulls (up to 40 %), stray spaces, or a few placeholder cells."""
    values = values.copy()
    mess = rng.integers(0, 4)
    if mess == 1:
        values[rng.random(len(values)) < rng.uniform(0.05, 0.4)] = None
    elif mess == 2:
        values = " " + values + "  "
    elif mess == 3:
        values[rng.random(len(values)) < 0.03] = rng.choice(["n/a", "NULL", "-", ""])
    return values


def macro_f1(truth: list[FieldClass], predicted: list[FieldClass]) -> float:
    """The mean over the four classes of each class's F1 (a class never seen nor predicted scores 1).

    >>> macro_f1([DIRECT, QUASI], [DIRECT, DIRECT])
    0.75
    """
    scores = []
    for field_class in FieldClass:
        hits = sum(t is field_class and p is field_class for t, p in zip(truth, predicted))
        claimed = sum(p is field_class for p in predicted)
        actual = sum(t is field_class for t in truth)
        scores.append(1.0 if claimed + actual == 0 else 2 * hits / (claimed + actual))
    return sum(scores) / len(scores)
