"""Name → operator. Users add their own with `register_operator`."""

from __future__ import annotations

from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.core.operators.base import Operator

_OPERATORS: dict[str, Operator] = {}


def register_operator(operator: Operator, *, replace: bool = False) -> Operator:
    """Make `operator` selectable as `method: <operator.name>` in a policy.

    >>> from anonymization_pipeline.core.operators.basic import KeepOperator
    >>> register_operator(KeepOperator(), replace=True).name
    'keep'
    """
    if operator.name in _OPERATORS and not replace:
        raise ConfigurationError(f"an operator named '{operator.name}' is already registered")
    _OPERATORS[operator.name] = operator
    return operator


def get_operator(name: str) -> Operator:
    try:
        return _OPERATORS[name]
    except KeyError:
        raise ConfigurationError(f"'{name}' is not one of: {', '.join(operator_names())}") from None


def operator_names() -> list[str]:
    return list(_OPERATORS)
