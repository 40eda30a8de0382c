"""Protection operators and their registry. Importing this package registers the built-in ones."""

from anonymization_pipeline.core.operators.base import (
    Operator,
    OperatorContext,
    OperatorOutcome,
    OperatorParameterError,
)
from anonymization_pipeline.core.operators.basic import DropOperator, KeepOperator, RedactOperator
from anonymization_pipeline.core.operators.registry import get_operator, operator_names, register_operator

for _operator in (KeepOperator(), DropOperator(), RedactOperator()):
    register_operator(_operator, replace=True)

__all__ = [
    "Operator",
    "OperatorContext",
    "OperatorOutcome",
    "OperatorParameterError",
    "get_operator",
    "operator_names",
    "register_operator",
]
