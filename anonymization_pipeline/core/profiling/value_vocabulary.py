"""Values that are words from a known list: sex, ethnicity, marital status, education, religion,
sexual orientation, political party, health conditions, occupations, places and person names.

The long lists come from Faker, which the package already depends on: first and last names of every
locale it ships, job titles of its locales, countries, states and cities. The short lists (categories
of a census or a survey, in the seven languages the column names cover) are written here. Values are
compared in a normal form (lower case, accents dropped, `-` `_` `/` as spaces), all at once with Arrow.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from anonymization_pipeline.core.profiling.kinds import Kind
from anonymization_pipeline.core.profiling.word_list_cache import cached_words

SEX = (
    "m", "f", "male", "female", "man", "woman", "w", "d", "x", "diverse", "divers", "non binary", "nonbinary",
    "other", "mannlich", "weiblich", "h", "homme", "femme", "hombre", "mujer", "masculino", "femenino", "maschio",
    "femmina", "uomo", "donna", "vrouw", "v", "feminino", "mannelijk", "vrouwelijk",
)
ETHNICITY = (
    "white", "black", "asian", "hispanic", "latino", "latina", "latinx", "asian pac islander", "amer indian eskimo",
    "other", "african american", "black or african american", "american indian", "american indian or alaska native",
    "alaska native", "native hawaiian", "pacific islander", "native hawaiian or other pacific islander", "caucasian",
    "mixed", "multiracial", "two or more races", "middle eastern", "arab", "indigenous", "white british",
    "white other", "black african", "black caribbean", "indian", "pakistani", "bangladeshi", "chinese",
    "hispanic or latino", "not hispanic or latino", "south asian", "east asian", "southeast asian", "weiss", "schwarz",
    "asiatisch", "blanc", "noir", "asiatique", "blanco", "negro", "asiatico", "bianco", "nero", "blank", "zwart",
    "aziatisch", "branco", "preto", "pardo", "amarelo", "indigena",
)
MARITAL_STATUS = (
    "married", "single", "divorced", "widowed", "separated", "never married", "married civ spouse",
    "married spouse absent", "married af spouse", "domestic partnership", "civil partnership", "partnered",
    "cohabiting", "engaged", "in a relationship", "husband", "wife", "own child", "not in family", "unmarried",
    "other relative", "ledig", "verheiratet", "geschieden", "verwitwet",
    "getrennt lebend", "eingetragene lebenspartnerschaft", "celibataire", "marie", "mariee", "divorce", "divorcee",
    "veuf", "veuve", "pacse", "pacsee", "soltero", "soltera", "casado", "casada", "divorciado", "divorciada",
    "viudo", "viuda", "separado", "celibe", "nubile", "sposato", "sposata", "coniugato", "coniugata",
    "divorziato", "divorziata", "vedovo", "vedova", "ongehuwd", "gehuwd", "getrouwd", "gescheiden", "weduwe",
    "weduwnaar", "samenwonend", "solteiro", "solteira", "viuvo", "viuva", "uniao estavel",
)
EDUCATION = (
    "bachelors", "masters", "doctorate", "hs grad", "some college", "assoc acdm", "assoc voc", "prof school",
    "preschool", "1st 4th", "5th 6th", "7th 8th", "9th", "10th", "11th", "12th", "high school",
    "high school diploma", "high school graduate", "bachelor", "bachelor's degree", "bachelors degree", "master",
    "master's degree", "masters degree", "phd", "ph.d", "doctoral degree", "ged", "associate degree", "associate",
    "associates", "primary", "primary school", "secondary", "secondary school", "tertiary", "no schooling",
    "less than high school", "some high school", "college", "college graduate", "university", "graduate degree",
    "postgraduate", "vocational", "trade school", "mba", "abitur", "realschule", "hauptschule", "fachabitur",
    "mittlere reife", "ausbildung", "diplom", "promotion", "baccalaureat", "bac", "licence", "brevet", "cap",
    "bts", "doctorat", "bachillerato", "licenciatura", "grado", "doctorado", "eso", "formacion profesional",
    "diploma", "laurea", "laurea magistrale", "dottorato", "maturita", "licenza media", "vmbo", "havo", "vwo",
    "mbo", "hbo", "wo", "ensino basico", "ensino secundario", "ensino medio", "ensino superior", "licenciatura",
    "mestrado", "doutorado", "doutoramento", "graduacao",
)
RELIGION = (
    "christian", "christianity", "catholic", "roman catholic", "protestant", "orthodox", "eastern orthodox",
    "muslim", "islam", "jewish", "judaism", "hindu", "hinduism", "buddhist", "buddhism", "sikh", "sikhism",
    "atheist", "agnostic", "no religion", "none", "other", "evangelical", "lutheran", "baptist", "methodist",
    "mormon", "anglican", "jehovah's witness", "shinto", "taoist", "spiritual", "katholisch", "evangelisch",
    "muslimisch", "judisch", "konfessionslos", "orthodox", "catholique", "protestant", "musulman", "juif",
    "athee", "catolico", "catolica", "protestante", "musulmana", "judio", "ateo", "cattolico", "musulmano",
    "ebreo", "katholiek", "protestants", "moslim", "joods", "evangelico", "judeu", "ateu", "sem religiao",
)
SEXUAL_ORIENTATION = (
    "heterosexual", "straight", "homosexual", "gay", "lesbian", "bisexual", "asexual", "pansexual", "queer",
    "other", "prefer not to say", "questioning", "gay or lesbian", "hetero", "heterosexuell", "homosexuell",
    "bisexuell", "heterosexuel", "heterosexuelle", "homosexuel", "homosexuelle", "bisexuel", "heterosexual",
    "eterosessuale", "omosessuale", "bisessuale", "heteroseksueel", "homoseksueel", "biseksueel", "lesbica",
)
POLITICAL_PARTY = (
    "democrat", "democratic", "democratic party", "republican", "republican party", "independent", "libertarian",
    "green", "green party", "labour", "conservative", "conservative party", "liberal", "liberal democrat",
    "liberal democrats", "snp", "ukip", "reform uk", "plaid cymru", "spd", "cdu", "csu", "cdu csu", "fdp", "grune",
    "die grunen", "bundnis 90 die grunen", "afd", "die linke", "linke", "bsw", "les republicains", "lr",
    "parti socialiste", "ps", "rassemblement national", "rn", "la france insoumise", "lfi", "renaissance", "eelv",
    "psoe", "pp", "partido popular", "vox", "podemos", "sumar", "pd", "partito democratico", "fratelli d'italia",
    "fdi", "lega", "m5s", "movimento 5 stelle", "forza italia", "vvd", "pvv", "cda", "d66", "groenlinks", "pvda",
    "sp", "psd", "chega", "bloco de esquerda", "pcp", "far left", "far right", "centre left", "centre right",
    "center left", "center right", "left", "right", "centrist",
)
HEALTH_WORDS = (
    "diabetes", "asthma", "hypertension", "depression", "anxiety", "migraine", "arthritis", "osteoarthritis",
    "hypothyroidism", "hyperthyroidism", "gerd", "kidney", "coronary", "hiv", "aids", "cancer", "carcinoma",
    "tumor", "tumour", "leukemia", "lymphoma", "copd", "obesity", "stroke", "epilepsy", "alzheimer", "dementia",
    "schizophrenia", "bipolar", "adhd", "autism", "hepatitis", "tuberculosis", "covid", "influenza", "pneumonia",
    "fibrillation", "sclerosis", "parkinson", "psoriasis", "eczema", "allergy", "anemia",
    "anaemia", "cirrhosis", "bronchitis", "infection", "disorder", "syndrome", "disease", "fracture", "injury",
    "pregnancy", "pregnant", "diabete", "asthme", "depressione", "hipertension", "ipertensione",
    "hypertonie", "krebs", "cancro", "kanker", "depressie", "angst", "ansiedad", "ansia", "healthy",
)
BLOOD_TYPES = ("A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-", "0+", "0-")
NAME_PARTICLES = (
    "van", "von", "de", "der", "den", "da", "di", "del", "della", "dos", "das", "du", "la", "le", "el", "y", "e",
    "jr", "sr", "ii", "iii", "iv", "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "md", "phd", "dds", "dvm",
    "herr", "frau", "mme", "mlle", "sra", "srta", "sig", "dott", "ing", "ten", "ter", "st", "bin", "ibn", "al",
)
ADULT_OCCUPATIONS = (
    "tech support", "craft repair", "other service", "sales", "exec managerial", "prof specialty",
    "handlers cleaners", "machine op inspct", "adm clerical", "farming fishing", "transport moving",
    "priv house serv", "protective serv", "armed forces", "private", "self emp not inc", "self emp inc",
    "federal gov", "local gov", "state gov", "without pay", "never worked", "unemployed", "employed",
    "self employed", "retired", "student",
)
MAJOR_CITIES = (
    "new york", "los angeles", "chicago", "houston", "phoenix", "philadelphia", "san antonio", "san diego", "dallas",
    "san jose", "austin", "jacksonville", "fort worth", "columbus", "charlotte", "san francisco", "indianapolis",
    "seattle", "denver", "washington", "boston", "el paso", "nashville", "detroit", "oklahoma city", "portland",
    "las vegas", "memphis", "louisville", "baltimore", "milwaukee", "albuquerque", "tucson", "fresno", "sacramento",
    "kansas city", "mesa", "atlanta", "omaha", "colorado springs", "raleigh", "miami", "long beach", "virginia beach",
    "oakland", "minneapolis", "tulsa", "tampa", "arlington", "new orleans", "cleveland", "pittsburgh", "cincinnati",
    "st louis", "saint louis", "orlando", "buffalo", "brooklyn", "queens", "bronx", "manhattan", "salt lake city",
    "london", "birmingham", "manchester", "glasgow", "liverpool", "leeds", "edinburgh", "bristol", "cardiff",
    "belfast", "dublin", "cork", "paris", "marseille", "lyon", "toulouse", "nice", "nantes", "strasbourg",
    "montpellier", "bordeaux", "lille", "rennes", "berlin", "hamburg", "munchen", "munich", "koln", "cologne",
    "frankfurt", "frankfurt am main", "stuttgart", "dusseldorf", "leipzig", "dortmund", "essen", "bremen",
    "dresden", "hannover", "nurnberg", "wien", "vienna", "graz", "zurich", "geneve", "geneva", "basel", "bern",
    "madrid", "barcelona", "valencia", "sevilla", "zaragoza", "malaga", "bilbao", "roma", "rome", "milano", "milan",
    "napoli", "naples", "torino", "turin", "palermo", "genova", "bologna", "firenze", "florence", "venezia",
    "amsterdam", "rotterdam", "den haag", "the hague", "utrecht", "eindhoven", "groningen", "brussel", "bruxelles",
    "brussels", "antwerpen", "gent", "lisboa", "lisbon", "porto", "braga", "coimbra", "sao paulo", "rio de janeiro",
    "toronto", "montreal", "vancouver", "sydney", "melbourne", "tokyo", "delhi", "mumbai", "shanghai", "beijing",
    "mexico city", "buenos aires", "warszawa", "warsaw", "krakow", "praha", "prague", "budapest", "stockholm",
    "oslo", "copenhagen", "kobenhavn", "helsinki", "athens", "istanbul",
)
COMPANY_FORM = (
    r"(?i)(^|\s)(gmbh|llc|inc\.?|corp\.?|corporation|ltd\.?|limited|plc|lda\.?|ltda\.?|limitada|s\.?a\.?|s\.?a\.?s\.?|"
    r"sarl|s\.?a\.?r\.?l\.?|eurl|snc|s\.?l\.?|s\.?l\.?u\.?|s\.?l\.?n\.?e|s\.?com\.?|s\.?coop\.?|s\.?r\.?l\.?|s\.?p\.?a\.?|"
    r"b\.?v\.?|n\.?v\.?|vof|ag|kg|ohg|e\.?v\.?|group|groep|gruppe|and sons|& ?co\.?|& ?cie\.?|& ?partner|& ?söhne|"
    r"et fils|e figli|e filhos|e hijos|y asociados|s/a)(,|\s|$)"
)
"""Legal forms and the words firms add to a name: `Pinto Lda.`, `Müller GmbH`, `Smith and Sons`."""
ORGANIZATION_SHARE = 0.15
"""Firms named after families: when this share carries a legal form, the rest are firms too."""
PLACE_NAME_FORM = (
    r"^((north|east|west|south|new|lake|port|saint|san|santa|sao|st) [a-z]+|"
    r"[a-z]+(town|ton|land|ville|berg|burg|burgh|borough|bury|view|port|mouth|stad|furt|chester|fort|haven|side|"
    r"shire|field|wood|ford|ham|dorf|hausen|heim|stadt|feld|dam|dijk|hoven|court|polis))$"
)
"""How place names are formed (`Lake Sarah`, `East Crystalport`, `Rosenheim`): towns the lists do not hold."""
PLACE_ATTRIBUTES = (
    "cities", "countries", "states", "regions", "departments", "provinces", "alpha_2_country_codes", "states_abbr",
)

DICTIONARY_KINDS = (
    Kind.SEX,
    Kind.ETHNICITY,
    Kind.MARITAL_STATUS,
    Kind.EDUCATION,
    Kind.RELIGION,
    Kind.SEXUAL_ORIENTATION,
    Kind.POLITICAL_OPINION,
    Kind.OCCUPATION,
    Kind.PLACE,
)
MAX_DISTINCT = {Kind.SEX: 6}
"""A sex column has few values; more means the short codes matched by chance."""


@dataclass(frozen=True)
class VocabularyMatch:
    kind: Kind
    share: float
    detail: str


def normalize_values(values: pa.Array) -> pa.Array:
    """The form word lists and values are compared in: accents dropped, lower case, separators as
    single spaces; over a whole Arrow array, for the values and the word lists alike.

    >>> normalize_values(pa.array(["Married-civ-spouse", " Mâle/Femme "])).to_pylist()
    ['married civ spouse', 'male femme']
    """
    text = values if pc.all(pc.string_is_ascii(values)).as_py() is not False else pc.replace_substring_regex(
        pc.utf8_normalize(values, "NFKD"), r"\p{Mn}", ""
    )
    text = pc.replace_substring_regex(pc.utf8_lower(text), r"[\-_/.,()\s]+", " ")
    return pc.utf8_trim_whitespace(text)


def _set(words: tuple[str, ...] | list[str] | set[str]) -> frozenset[str]:
    return frozenset(normalize_values(pa.array([word for word in words if word], pa.string())).to_pylist())


def contains(words: frozenset[str], values: pa.Array) -> np.ndarray:
    """Which `values` are in `words`: a hash look-up each, run by `map` in C, no Python loop body.
    (Arrow's `is_in` would rebuild a hash table of the whole list on every call.)"""
    return np.fromiter(map(words.__contains__, values.to_pylist()), dtype=bool, count=len(values))


def _provider_words(package: str, locales: tuple[str, ...] | None, attributes: tuple[str, ...]) -> set[str]:
    """Every word list named `attributes` on Faker's providers of `package`, for `locales` (default: all)."""
    module = importlib.import_module(f"faker.providers.{package}")
    names = locales or tuple(info.name for info in pkgutil.iter_modules(module.__path__))
    words: set[str] = set()
    for locale in names:
        try:
            provider = importlib.import_module(f"faker.providers.{package}.{locale}").Provider
        except ImportError:
            continue
        for attribute in attributes:
            entries = getattr(provider, attribute, ())
            if isinstance(entries, tuple | list | dict | set):
                words.update(entry for entry in entries if isinstance(entry, str))
    return words


@cache
def vocabulary(kind: Kind) -> frozenset[str]:
    """The normalized values that count as `kind`."""
    if kind is Kind.OCCUPATION:
        return cached_words("occupations", lambda: _set(_provider_words("job", None, ("jobs",)) | set(ADULT_OCCUPATIONS)))
    if kind is Kind.PLACE:
        return cached_words("places", _places)
    lists = {
        Kind.SEX: SEX,
        Kind.ETHNICITY: ETHNICITY,
        Kind.MARITAL_STATUS: MARITAL_STATUS,
        Kind.EDUCATION: EDUCATION,
        Kind.RELIGION: RELIGION,
        Kind.SEXUAL_ORIENTATION: SEXUAL_ORIENTATION,
        Kind.POLITICAL_OPINION: POLITICAL_PARTY,
    }
    return _set(lists[kind])


def _places() -> frozenset[str]:
    geo = importlib.import_module("faker.providers.geo").Provider.land_coords
    places = _provider_words("address", None, PLACE_ATTRIBUTES) | {entry[2] for entry in geo}
    places |= set(MAJOR_CITIES)
    return _set(places | {"united states", "usa", "us", "uk", "outlying us guam usvi etc", "holand netherlands"})


@cache
def person_name_words() -> frozenset[str]:
    """First and last names of every locale Faker ships, in normal form, one word each."""
    return cached_words("person_name_words", _person_name_words)


def _person_name_words() -> frozenset[str]:
    words = _provider_words(
        "person",
        None,
        (
            "first_names", "last_names", "first_names_male", "first_names_female", "last_names_male", "last_names_female",
            "male_last_names", "female_last_names", "unisex_last_names", "first_names_nonbinary",
        ),
    )
    normalized = pc.replace_substring(normalize_values(pa.array(sorted(words), pa.string())), "'", "")
    return frozenset(pc.list_flatten(pc.utf8_split_whitespace(normalized)).to_pylist())


@cache
def _particles() -> frozenset[str]:
    return _set(NAME_PARTICLES)


@cache
def _health_words() -> frozenset[str]:
    return _set(HEALTH_WORDS)


def match_vocabularies(values: pa.Array, normalized: pa.Array) -> list[VocabularyMatch]:
    """Each word-list kind with the share of values it covers; health and person names included.

    Lists are looked up once per distinct value, and the shares weighted by how often each occurs.
    """
    total = len(values)
    counted = pc.value_counts(normalized)
    distinct = counted.field("values")
    weights = counted.field("counts").to_numpy(zero_copy_only=False) / total
    distinct_text = distinct.to_pylist()
    found = []
    for kind in DICTIONARY_KINDS:
        if len(distinct) > MAX_DISTINCT.get(kind, total):
            continue
        covered = np.fromiter(map(vocabulary(kind).__contains__, distinct_text), dtype=bool, count=len(distinct))
        if kind is Kind.PLACE:
            covered |= pc.match_substring_regex(distinct, PLACE_NAME_FORM).to_numpy(zero_copy_only=False)
        fraction = float(weights[covered].sum())
        if fraction > 0:
            found.append(VocabularyMatch(kind, fraction, f"{fraction:.0%} are {kind.value.replace('_', ' ')} values"))
    words = pc.utf8_split_whitespace(pc.replace_substring(distinct, "'", ""))
    found.append(_health(values, words, weights))
    found.append(_person_names(distinct, words, weights))
    return [match for match in found if match.share > 0]


def _health(values: pa.Array, words: pa.ListArray, weights: np.ndarray) -> VocabularyMatch:
    """Values with a word naming a condition (`Type 2 diabetes`), or blood types (looked up as written:
    in normal form `AB-` would be `ab`)."""
    flat = pc.list_flatten(words)
    owner = pc.list_parent_indices(words).to_numpy()
    condition = np.bincount(owner, weights=contains(_health_words(), flat), minlength=len(weights)) > 0
    blood = pc.is_in(pc.utf8_upper(values), value_set=pa.array(BLOOD_TYPES))
    fraction = max(float(weights[condition].sum()), (pc.sum(blood).as_py() or 0) / len(values))
    return VocabularyMatch(Kind.HEALTH, fraction, f"{fraction:.0%} name health conditions or blood types")


def _person_names(normalized: pa.Array, words: pa.ListArray, weights: np.ndarray) -> VocabularyMatch:
    """Values of one to five words, each a known first or last name (or a particle such as `van`), no digits."""
    flat = pc.list_flatten(words)
    owner = pc.list_parent_indices(words).to_numpy()
    is_name = contains(person_name_words(), flat)
    is_particle = contains(_particles(), flat)
    total = len(weights)
    names = np.bincount(owner, weights=is_name, minlength=total)
    known = np.bincount(owner, weights=is_name | is_particle, minlength=total)
    count = pc.list_value_length(words).to_numpy(zero_copy_only=False)
    digits = pc.match_substring_regex(normalized, r"[0-9]").to_numpy(zero_copy_only=False)
    looks_like = (names >= 1) & (known == count) & (count <= 5) & ~digits
    fraction = float(weights[looks_like].sum())
    return VocabularyMatch(Kind.PERSON_NAME, fraction, f"{fraction:.0%} are made of known first and last names")


def organization_share(values: pa.Array) -> float:
    """The share of values that carry a legal form, as firm names do."""
    return (pc.sum(pc.match_substring_regex(values, COMPANY_FORM)).as_py() or 0) / len(values) if len(values) else 0.0
