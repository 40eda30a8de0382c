"""Protection operators and their registry. Importing this package registers the built-in ones.

Built-ins: keep, drop, redact, mask, pseudonymize, hash, encrypt, decrypt, bucket, round,
top_bottom_code, truncate_date, perturb, swap, date_shift, fake. The generalization primitives
the privacy engine uses live in `operators.generalization`.
"""

from anonymization_pipeline.core.operators.base import (
    Operator,
    OperatorContext,
    OperatorOutcome,
    OperatorParameterError,
)
from anonymization_pipeline.core.operators.basic import DropOperator, KeepOperator, RedactOperator
from anonymization_pipeline.core.operators.bucket import BucketOperator
from anonymization_pipeline.core.operators.date_shift import DateShiftOperator
from anonymization_pipeline.core.operators.encrypt import DecryptOperator, EncryptOperator, reencrypt_column
from anonymization_pipeline.core.operators.fake import FakeOperator
from anonymization_pipeline.core.operators.mask import MaskOperator
from anonymization_pipeline.core.operators.perturb import PerturbOperator
from anonymization_pipeline.core.operators.pseudonymize import HashOperator, PseudonymizeOperator
from anonymization_pipeline.core.operators.recode import RoundOperator, TopBottomCodeOperator, TruncateDateOperator
from anonymization_pipeline.core.operators.registry import get_operator, operator_names, register_operator
from anonymization_pipeline.core.operators.swap import SwapOperator

BUILT_IN_OPERATORS = (
    KeepOperator(),
    DropOperator(),
    RedactOperator(),
    MaskOperator(),
    PseudonymizeOperator(),
    HashOperator(),
    EncryptOperator(),
    DecryptOperator(),
    BucketOperator(),
    RoundOperator(),
    TopBottomCodeOperator(),
    TruncateDateOperator(),
    PerturbOperator(),
    SwapOperator(),
    DateShiftOperator(),
    FakeOperator(),
)

for _operator in BUILT_IN_OPERATORS:
    register_operator(_operator, replace=True)

__all__ = [
    "BUILT_IN_OPERATORS",
    "Operator",
    "OperatorContext",
    "OperatorOutcome",
    "OperatorParameterError",
    "get_operator",
    "operator_names",
    "reencrypt_column",
    "register_operator",
]
