"""What a column can hold, and the class each kind of content belongs to.

The class is what the policy needs; the kind is the evidence a reviewer checks. Direct
identifiers name or reach a person on their own, quasi-identifiers do so in combination, and
sensitive kinds are the special categories of GDPR Art. 9 plus income.
"""

from __future__ import annotations

from enum import StrEnum

from anonymization_pipeline.core.policy import FieldClass


class Kind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    CREDIT_CARD = "credit_card"
    IBAN = "iban"
    NATIONAL_ID = "national_id"
    IP_ADDRESS = "ip_address"
    PERSON_NAME = "person_name"
    STREET_ADDRESS = "street_address"
    CUSTOMER_REFERENCE = "customer_reference"
    LICENCE_PLATE = "licence_plate"
    DEVICE_ID = "device_id"
    FREE_TEXT = "free_text"
    POSTAL_CODE = "postal_code"
    DATE_OF_BIRTH = "date_of_birth"
    AGE = "age"
    SEX = "sex"
    ETHNICITY = "ethnicity"
    MARITAL_STATUS = "marital_status"
    EDUCATION = "education"
    OCCUPATION = "occupation"
    PLACE = "place"
    HEALTH_CODE = "health_code"
    HEALTH = "health"
    INCOME = "income"
    RELIGION = "religion"
    SEXUAL_ORIENTATION = "sexual_orientation"
    POLITICAL_OPINION = "political_opinion"
    TRADE_UNION = "trade_union"
    USER_AGENT = "user_agent"
    TECHNICAL_ID = "technical_id"
    ORGANIZATION = "organization"
    PRODUCT_CODE = "product_code"
    MONEY = "money"
    DATE = "date"
    NUMBER = "number"
    CATEGORY = "category"
    TEXT = "text"
    UNKNOWN = "unknown"


DIRECT_IDENTIFIER_KINDS = frozenset(
    {
        Kind.EMAIL,
        Kind.PHONE,
        Kind.CREDIT_CARD,
        Kind.IBAN,
        Kind.NATIONAL_ID,
        Kind.IP_ADDRESS,
        Kind.PERSON_NAME,
        Kind.STREET_ADDRESS,
        Kind.CUSTOMER_REFERENCE,
        Kind.LICENCE_PLATE,
        Kind.DEVICE_ID,
        Kind.FREE_TEXT,
    }
)
QUASI_IDENTIFIER_KINDS = frozenset(
    {
        Kind.POSTAL_CODE,
        Kind.DATE_OF_BIRTH,
        Kind.AGE,
        Kind.SEX,
        Kind.ETHNICITY,
        Kind.MARITAL_STATUS,
        Kind.EDUCATION,
        Kind.OCCUPATION,
        Kind.PLACE,
    }
)
SENSITIVE_KINDS = frozenset(
    {
        Kind.HEALTH_CODE,
        Kind.HEALTH,
        Kind.INCOME,
        Kind.RELIGION,
        Kind.SEXUAL_ORIENTATION,
        Kind.POLITICAL_OPINION,
        Kind.TRADE_UNION,
    }
)

CLASS_STRENGTH = {
    FieldClass.NON_SENSITIVE: 0,
    FieldClass.SENSITIVE: 1,
    FieldClass.QUASI_IDENTIFIER: 2,
    FieldClass.DIRECT_IDENTIFIER: 3,
}
"""How much protection a class asks for: a column declared weaker than its values show has drifted.
Sensitive ranks below quasi-identifier: a quasi-identifier is generalized, which also hides the value."""


def class_of(kind: Kind) -> FieldClass:
    """The policy class a kind of content calls for.

    >>> class_of(Kind.POSTAL_CODE).value
    'quasi_identifier'
    """
    if kind in DIRECT_IDENTIFIER_KINDS:
        return FieldClass.DIRECT_IDENTIFIER
    if kind in QUASI_IDENTIFIER_KINDS:
        return FieldClass.QUASI_IDENTIFIER
    if kind in SENSITIVE_KINDS:
        return FieldClass.SENSITIVE
    return FieldClass.NON_SENSITIVE
