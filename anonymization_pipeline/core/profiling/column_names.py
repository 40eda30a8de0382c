"""What a column's name says it holds, in English, German, French, Spanish, Italian, Dutch and Portuguese.

Names are the second source of evidence, after values: they settle what values cannot (five-digit
strings are postcodes or product codes), and they are ignored where they say nothing (`col_17`).
A name is split into words (`customerEmail`, `E-Mail Adresse`, `geburts_datum` all work, accents
dropped); a long phrase may also occur inside a compound word (`telefonnummer`, `kundenadresse`),
a short one only as a word of its own (`age` is not in `page` nor in `language`). The longest
matching phrase wins, so `email_address` is an e-mail and `sexual_orientation` is not `sex`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anonymization_pipeline.core.profiling.kinds import Kind

COMPOUND_MIN_LENGTH = 6
"""Phrases at least this long also match inside a compound word."""

VOCABULARY: dict[Kind, tuple[str, ...]] = {
    Kind.EMAIL: (
        "email", "e_mail", "mail", "email_address", "mail_address", "emailaddress", "email_adresse", "emailadresse",
        "adresse_mail", "adresse_email", "adresse_electronique", "courriel", "correo", "correo_electronico",
        "posta_elettronica", "indirizzo_email", "emailadres", "e_mailadres", "endereco_email", "endereco_de_email",
    ),
    Kind.PHONE: (
        "phone", "telephone", "tel", "mobile", "cell", "cellphone", "phone_number", "phonenumber", "fax",
        "contact_number", "telefon", "telefonnummer", "handy", "mobilnummer", "handynummer", "numero_telephone",
        "portable", "telefono", "movil", "numero_telefono", "celular", "cellulare", "numero_cellulare",
        "telefoonnummer", "mobiel", "mobiele_nummer", "telemovel", "telefone", "numero_telefone",
        "tel_no", "telefonni_cislo", "numer_telefonu", "telefonnummer", "puhelin", "telefon_no",
        "msisdn", "whatsapp",
    ),
    Kind.CREDIT_CARD: (
        "credit_card", "creditcard", "card_number", "cardnumber", "cc_number", "ccn", "pan", "kreditkarte",
        "kreditkartennummer", "kartennummer", "carte_bancaire", "carte_credit", "numero_carte", "tarjeta",
        "tarjeta_credito", "numero_tarjeta", "carta_credito", "numero_carta", "kaartnummer", "creditcardnummer",
        "cartao", "cartao_credito", "numero_cartao",
    ),
    Kind.IBAN: (
        "iban", "bank_account", "account_number", "accountnumber", "kontonummer", "bankverbindung", "rib",
        "numero_compte", "compte_bancaire", "cuenta_bancaria", "numero_cuenta", "conto_corrente", "numero_conto",
        "rekeningnummer", "bankrekening", "conta_bancaria", "numero_conta", "nib",
    ),
    Kind.NATIONAL_ID: (
        "ssn", "social_security", "social_security_number", "national_id", "nationalid", "national_insurance",
        "nino", "passport", "passport_number", "tax_id", "taxid", "tin", "driver_license", "drivers_license",
        "driving_licence", "licence_number", "license_number", "id_card", "identity_number", "identity_card",
        "personnummer", "pesel", "aadhaar", "sin", "personalausweis", "ausweisnummer", "steuer_id",
        "steuernummer", "steueridentifikationsnummer", "sozialversicherungsnummer", "svnr", "insee", "nir",
        "numero_securite_sociale", "securite_sociale", "secu", "dni", "nie", "nif", "nss",
        "documento_identidad", "seguridad_social", "codice_fiscale", "codicefiscale", "bsn", "burgerservicenummer",
        "sofinummer", "cpf", "cartao_cidadao", "numero_contribuinte", "niss", "numero_utente",
        "nin", "personal_id", "personal_number", "rodne_cislo", "henkilotunnus", "hetu", "cpr", "cpr_nummer", "tc_kimlik", "kimlik_no", "pan_number", "resident_registration_number", "my_number",
    ),
    Kind.IP_ADDRESS: (
        "ip", "ip_address", "ipaddress", "ipv4", "ipv6", "ip_addr", "client_ip", "remote_addr", "remote_ip",
        "ip_adresse", "adresse_ip", "direccion_ip", "indirizzo_ip", "ip_adres", "endereco_ip",
    ),
    Kind.PERSON_NAME: (
        "full_name", "fullname", "first_name", "firstname", "last_name", "lastname", "surname", "given_name",
        "family_name", "middle_name", "maiden_name", "forename", "customer_name", "client_name", "patient_name",
        "contact_name", "employee_name", "person_name", "member_name", "cardholder", "card_holder",
        "account_holder", "holder_name", "owner_name", "vorname", "nachname", "familienname", "prenom",
        "nom_de_famille", "nom_complet", "nombre", "nombre_completo", "apellido", "apellidos", "cognome",
        "nome_completo", "voornaam", "achternaam", "naam", "nome", "sobrenome", "apelido", "nom",
        "jmeno", "prijmeni", "krestni_jmeno", "imie", "nazwisko", "imie_nazwisko", "namn", "fornamn", "efternamn", "fornavn", "efternavn", "etunimi", "sukunimi", "soyad", "soyadi", "isim", "fname", "lname",
    ),
    Kind.STREET_ADDRESS: (
        "address", "street", "street_address", "address_line", "address_line_1", "address1", "addr",
        "home_address", "postal_address", "mailing_address", "billing_address", "shipping_address", "strasse",
        "adresse", "anschrift", "hausnummer", "wohnadresse", "rue", "adresse_postale", "direccion", "calle",
        "domicilio", "indirizzo", "straat", "adres", "huisnummer", "woonadres", "endereco", "morada", "rua",
        "ulice", "ulica", "adresa", "adres_zamieszkania", "gatuadress", "gata", "gade", "vej", "katuosoite", "osoite", "sokak", "adresi",
    ),
    Kind.CUSTOMER_REFERENCE: (
        "id", "uuid", "guid", "customer_id", "client_id", "user_id", "userid", "account_id", "member_id",
        "patient_id", "employee_id", "person_id", "customer_number", "customer_no", "customer_ref", "reference",
        "ref", "username", "user_name", "login", "kundennummer", "kunden_id", "kundenid", "mitgliedsnummer",
        "benutzername", "personalnummer", "numero_client", "identifiant", "id_client", "pseudo", "numero_cliente",
        "id_cliente", "codigo_cliente", "usuario", "codice_cliente", "utente", "klantnummer", "klant_id",
        "gebruikersnaam", "lidnummer", "numero_socio", "utilizador",
        "member_no", "member_number", "cust_ref", "cust_id", "client_number", "client_no", "kundennr", "user_handle", "handle", "screen_name", "nick", "nickname", "cislo_zakaznika", "numer_klienta", "kundnummer", "asiakasnumero", "musteri_no",
        "twitter", "twitter_handle", "instagram", "social_handle", "social_media_handle", "skype",
    ),
    Kind.FREE_TEXT: (
        "comment", "comments", "note", "notes", "remark", "remarks", "message", "feedback", "free_text",
        "freetext", "bemerkung", "bemerkungen", "kommentar", "notiz", "nachricht", "commentaire", "remarque",
        "comentario", "comentarios", "observaciones", "mensaje", "nota", "note_libere", "commento", "messaggio",
        "opmerking", "opmerkingen", "bericht", "observacoes", "mensagem",
    ),
    Kind.POSTAL_CODE: (
        "zip", "zipcode", "zip_code", "postcode", "postal_code", "postalcode", "post_code", "plz", "postleitzahl",
        "code_postal", "codepostal", "cp", "codigo_postal", "cod_postal", "cap", "codice_postale", "cep",
        "postal", "psc", "kod_pocztowy", "postnummer", "postinumero", "posta_kodu", "pincode", "pin_code", "postnr",
    ),
    Kind.DATE_OF_BIRTH: (
        "dob", "birth", "birthdate", "birth_date", "date_of_birth", "birthday", "born", "geburtsdatum",
        "geburtstag", "geboren", "date_naissance", "date_de_naissance", "naissance", "fecha_nacimiento",
        "fecha_de_nacimiento", "nacimiento", "data_nascita", "data_di_nascita", "nascita", "geboortedatum",
        "data_nascimento", "data_de_nascimento", "nascimento",
        "narozeni", "datum_narozeni", "data_urodzenia", "fodelsedatum", "fodselsdato", "syntymaaika", "dogum_tarihi",
    ),
    Kind.AGE: ("age", "age_years", "years_old", "alter", "lebensalter", "edad", "eta", "leeftijd", "idade"),
    Kind.SEX: (
        "sex", "gender", "geschlecht", "sexe", "genre", "sexo", "genero", "sesso", "genere", "geslacht",
        "gender_identity",
        "vek", "wiek", "alder", "ika", "yas",
        "pohlavi", "plec", "kon", "kjonn", "koen", "sukupuoli", "cinsiyet",
    ),
    Kind.ETHNICITY: (
        "ethnicity", "ethnic", "race", "ethnic_group", "ethnic_origin", "ethnie", "ethnizitat", "herkunft",
        "origine_ethnique", "etnia", "raza", "etnicita", "razza", "etniciteit", "afkomst", "raca",
        "ethnicite", "etnicite", "narodnost", "narodowosc", "etnicitet",
    ),
    Kind.MARITAL_STATUS: (
        "marital", "marital_status", "civil_status", "relationship_status", "relationship", "married", "ever_married",
        "familienstand", "situation_familiale",
        "etat_civil", "estado_civil", "stato_civile", "burgerlijke_staat",
        "rodinny_stav", "stan_cywilny", "civilstand", "civilstatus", "siviilisaaty", "medeni_hal",
    ),
    Kind.EDUCATION: (
        "education", "degree", "qualification", "schooling", "education_level", "bildung", "schulabschluss",
        "abschluss", "ausbildung", "bildungsabschluss", "niveau_etudes", "diplome", "etudes", "educacion",
        "estudios", "nivel_educativo", "nivel_estudios", "istruzione", "titolo_studio", "titolo_di_studio",
        "opleiding", "opleidingsniveau", "educacao", "escolaridade",
        "edu", "edu_level", "vzdelani", "wyksztalcenie", "utbildning", "uddannelse", "koulutus", "egitim",
    ),
    Kind.OCCUPATION: (
        "occupation", "job", "job_title", "jobtitle", "profession", "employment", "workclass", "work_class", "work_type",
        "employer", "beruf", "taetigkeit", "tatigkeit", "berufsbezeichnung", "metier", "emploi", "poste",
        "ocupacion", "profesion", "empleo", "puesto", "occupazione", "professione", "lavoro", "beroep",
        "functie", "ocupacao", "profissao", "emprego", "cargo",
        "povolani", "zawod", "yrke", "erhverv", "stilling", "ammatti", "meslek",
    ),
    Kind.PLACE: (
        "city", "town", "country", "state", "region", "county", "province", "birthplace", "place_of_birth",
        "latitude", "longitude", "lat", "lng", "lon", "geolocation", "coordinates", "gps", "breitengrad", "laengengrad",
        "latitud", "longitud", "latitudine", "longitudine", "breedtegraad", "lengtegraad",
        "nationality", "citizenship", "native_country", "location", "municipality", "district", "residence",
        "stadt", "ort", "wohnort", "land", "bundesland", "staatsangehoerigkeit", "staatsangehorigkeit",
        "geburtsort", "ville", "pays", "commune", "departement", "nationalite", "lieu_de_naissance", "ciudad",
        "pais", "provincia", "municipio", "nacionalidad", "lugar_nacimiento", "citta", "comune", "paese",
        "nazionalita", "luogo_nascita", "stad", "woonplaats", "plaats", "provincie", "gemeente", "nationaliteit",
        "geboorteplaats", "cidade", "concelho", "distrito", "nacionalidade", "naturalidade",
        "mesto", "obec", "kraj", "okres", "miasto", "miejscowosc", "wojewodztwo", "powiat", "gmina", "kommun",
        "kommune", "lan", "landsdel", "kunta", "maakunta", "sehir", "ilce", "prefecture",
    ),
    Kind.HEALTH_CODE: (
        "icd", "icd10", "icd_10", "icd_code", "diagnosis_code", "dx_code", "dx", "diagnose_code", "code_cim",
        "cim10", "cie10", "codigo_diagnostico", "codice_diagnosi",
    ),
    Kind.HEALTH: (
        "diagnosis", "diagnose", "condition", "medical_condition", "disease", "illness", "medical", "medication",
        "health", "health_status", "symptom", "symptoms", "allergy", "allergies", "blood_type", "blood_group",
        "disability", "treatment", "hiv_status", "pregnancy", "pregnancies", "hypertension", "heart_disease", "stroke",
        "diabetes", "diabetic", "bmi", "glucose", "cholesterol", "blood_pressure", "insulin", "heart_rate", "smoking",
        "smoking_status", "smoker", "alcohol", "vaccination", "medical_history", "krankheit", "erkrankung", "gesundheit",
        "medikament", "blutgruppe", "behinderung", "maladie", "sante", "pathologie", "traitement",
        "groupe_sanguin", "enfermedad", "diagnostico", "salud", "tratamiento", "grupo_sanguineo", "malattia",
        "diagnosi", "salute", "patologia", "ziekte", "gezondheid", "bloedgroep", "doenca", "saude", "tratamento",
    ),
    Kind.INCOME: (
        "income", "salary", "wage", "wages", "earnings", "pay", "annual_income", "salary_class", "salaryclass",
        "einkommen", "gehalt", "lohn", "revenu", "revenus", "salaire", "ingresos", "ingreso", "salario",
        "sueldo", "reddito", "stipendio", "retribuzione", "inkomen", "salaris", "loon", "rendimento", "renda",
        "mzda", "plat", "prijem", "wynagrodzenie", "pensja", "dochod", "manadslon", "indkomst", "palkka", "tulot", "maas", "gelir", "gross_income", "net_income",
    ),
    Kind.RELIGION: (
        "religion", "religious", "faith", "belief", "confession", "denomination", "konfession", "glaube",
        "religionszugehorigkeit", "religione", "religiao", "religie", "geloof", "confessione",
        "vyznani", "nabozenstvi", "wyznanie", "religia", "uskonto", "trossamfund",
    ),
    Kind.SEXUAL_ORIENTATION: (
        "sexual_orientation", "orientation", "sexuality", "sexuelle_orientierung", "orientation_sexuelle",
        "orientacion_sexual", "orientamento_sessuale", "seksuele_orientatie", "orientacao_sexual",
    ),
    Kind.POLITICAL_OPINION: (
        "political", "politics", "political_party", "party", "party_affiliation", "political_view", "vote",
        "voting_intention", "partei", "parteizugehorigkeit", "politique", "parti", "parti_politique", "partido",
        "partido_politico", "partito", "politica", "partij", "voorkeur_partij",
        "voted_for", "politicka_strana", "partia", "politisk_parti", "puolue",
    ),
    Kind.LICENCE_PLATE: (
        "licence_plate", "license_plate", "number_plate", "plate", "plate_number", "registration_plate",
        "vehicle_registration", "car_registration", "kennzeichen", "nummernschild", "plaque", "immatriculation",
        "matricula", "targa", "kenteken", "spz", "rejestracja", "numer_rejestracyjny", "registreringsnummer",
        "rekisterinumero", "plaka",
        "vehicle_reg", "car_reg", "reg_plate", "registration_no",
    ),
    Kind.DEVICE_ID: (
        "device_id", "deviceid", "mac", "mac_address", "macaddress", "hw_addr", "hardware_address", "imei",
        "advertising_id", "idfa", "gaid", "android_id", "device_mac",
    ),
    Kind.TRADE_UNION: (
        "trade_union", "union_member", "union_membership", "labour_union", "labor_union", "gewerkschaft",
        "syndicat", "syndique", "sindicato", "sindacato", "vakbond", "odbory", "zwiazek_zawodowy", "fackforening",
        "fagforening", "ammattiliitto", "sendika",
    ),
    Kind.PRODUCT_CODE: (
        "sku", "product_code", "product_id", "product_ref", "product_number", "item_code", "item_id", "item_ref",
        "item_number", "article_number", "artikelnummer", "artikel_nr", "reference_produit", "codigo_producto",
        "codice_articolo", "ean", "gtin", "upc", "barcode", "isbn", "part_number", "model_number",
    ),
    Kind.USER_AGENT: ("user_agent", "useragent", "ua", "browser", "http_user_agent"),
    Kind.TECHNICAL_ID: (
        "event_id", "request_id", "trace_id", "span_id", "transaction_id", "txn_id", "txn_uuid", "correlation_id",
        "message_id", "checksum", "hash", "sha1", "sha256", "md5", "etag", "file_hash", "digest",
    ),
}

_PHRASES = [(kind, phrase, phrase.replace("_", "")) for kind, phrases in VOCABULARY.items() for phrase in phrases]
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class NameHint:
    """The kind a column name points to, and the phrase that matched (for the evidence)."""

    kind: Kind
    phrase: str


def name_words(name: str) -> list[str]:
    """The words of a column name: camelCase and separators split, lower case, accents dropped.

    >>> name_words("customerE-Mail Adresse")
    ['customer', 'e', 'mail', 'adresse']
    """
    plain = unicodedata.normalize("NFKD", _CAMEL.sub("_", str(name)))
    plain = "".join(char for char in plain if not unicodedata.combining(char)).lower()
    return [word for word in _NON_WORD.split(plain) if word]


@lru_cache(maxsize=4096)
def hint_from_name(name: str) -> NameHint | None:
    """The kind the column name suggests, or None when it says nothing.

    >>> hint_from_name("Geburtsdatum").kind.value, hint_from_name("email_address").kind.value
    ('date_of_birth', 'email')
    >>> hint_from_name("col_17") is None, hint_from_name("language") is None
    (True, True)
    """
    words = name_words(name)
    if words == ["name"]:
        return NameHint(Kind.PERSON_NAME, "name")
    joined = "".join(words)
    padded = "_" + "_".join(words) + "_"
    best: NameHint | None = None
    for kind, phrase, compact in _PHRASES:
        found = compact in joined if len(compact) >= COMPOUND_MIN_LENGTH else f"_{phrase}_" in padded
        if found and (best is None or len(compact) > len(best.phrase.replace("_", ""))):
            best = NameHint(kind, phrase)
    return best
