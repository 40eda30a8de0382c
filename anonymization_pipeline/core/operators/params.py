"""Checks shared by the operators' `validate`: each names the parameter and the bad value.

Booleans are refused where a number is expected (`True` is an int in Python, but never a length).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from itertools import pairwise
from typing import Any

from anonymization_pipeline.core.keys.material import KEY_NAME_PATTERN
from anonymization_pipeline.core.operators.base import OperatorParameterError


def check_int(params: Mapping[str, Any], name: str, *, minimum: int | None = None, maximum: int | None = None) -> None:
    """`params[name]`, when given, is a whole number within [minimum, maximum].

    >>> check_int({"keep_last": -1}, "keep_last", minimum=0)
    Traceback (most recent call last):
    ...
    anonymization_pipeline.core.operators.base.OperatorParameterError: params.keep_last: must be a whole number >= 0, got -1
    """
    if name not in params:
        return
    value = params[name]
    bounds = _bounds(minimum, maximum)
    if isinstance(value, bool) or not isinstance(value, int):
        raise OperatorParameterError(name, f"must be a whole number{bounds}, got {value!r}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise OperatorParameterError(name, f"must be a whole number{bounds}, got {value!r}")


def check_number(
    params: Mapping[str, Any],
    name: str,
    *,
    positive: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
) -> None:
    """`params[name]`, when given, is a finite number (int or float), > 0 if `positive`, within bounds.

    >>> check_number({"scale": 0}, "scale", positive=True)
    Traceback (most recent call last):
    ...
    anonymization_pipeline.core.operators.base.OperatorParameterError: params.scale: must be a number > 0, got 0
    """
    if name not in params:
        return
    value = params[name]
    expected = "a number > 0" if positive else f"a number{_bounds(minimum, maximum)}"
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or value != value
        or value in (float("inf"), float("-inf"))
    ):
        raise OperatorParameterError(name, f"must be {expected}, got {value!r}")
    if (
        (positive and value <= 0)
        or (minimum is not None and value < minimum)
        or (maximum is not None and value > maximum)
    ):
        raise OperatorParameterError(name, f"must be {expected}, got {value!r}")


def check_bool(params: Mapping[str, Any], name: str) -> None:
    """`params[name]`, when given, is true or false.

    >>> check_bool({"vault": "yes"}, "vault")
    Traceback (most recent call last):
    ...
    anonymization_pipeline.core.operators.base.OperatorParameterError: params.vault: must be true or false, got 'yes'
    """
    if name in params and not isinstance(params[name], bool):
        raise OperatorParameterError(name, f"must be true or false, got {params[name]!r}")


def check_choice(params: Mapping[str, Any], name: str, choices: Collection[str]) -> None:
    """`params[name]`, when given, is one of `choices`.

    >>> check_choice({"noise": "cauchy"}, "noise", ["uniform", "gaussian", "laplace"])
    Traceback (most recent call last):
    ...
    anonymization_pipeline.core.operators.base.OperatorParameterError: params.noise: 'cauchy' is not one of: uniform, gaussian, laplace
    """
    if name in params and (not isinstance(params[name], str) or params[name] not in choices):
        raise OperatorParameterError(name, f"{params[name]!r} is not one of: {', '.join(choices)}")


def check_string(params: Mapping[str, Any], name: str, *, length: int | None = None, non_empty: bool = False) -> None:
    """`params[name]`, when given, is a string (of exactly `length` characters, or non-empty).

    >>> check_string({"char": "**"}, "char", length=1)
    Traceback (most recent call last):
    ...
    anonymization_pipeline.core.operators.base.OperatorParameterError: params.char: must be a string of 1 character, got '**'
    """
    if name not in params:
        return
    value = params[name]
    if length is not None and (not isinstance(value, str) or len(value) != length):
        raise OperatorParameterError(
            name, f"must be a string of {length} character{'s' if length > 1 else ''}, got {value!r}"
        )
    if not isinstance(value, str) or (non_empty and not value):
        raise OperatorParameterError(name, f"must be a{' non-empty' if non_empty else ''} string, got {value!r}")


def check_key_name(params: Mapping[str, Any], name: str) -> None:
    """`params[name]`, when given, names a key (`pseudonyms`, not the key itself).

    >>> check_key_name({"key": "My Key"}, "key")
    Traceback (most recent call last):
    ...
    anonymization_pipeline.core.operators.base.OperatorParameterError: params.key: must name a key (lower-case letters, digits, '_'), got a value that is not a key name
    """
    if name in params and (not isinstance(params[name], str) or not KEY_NAME_PATTERN.match(params[name])):
        raise OperatorParameterError(
            name, "must name a key (lower-case letters, digits, '_'), got a value that is not a key name"
        )


def require(params: Mapping[str, Any], name: str, what: str) -> None:
    """`params[name]` must be given; `what` says what it is, for the message.

    >>> require({}, "edges", "the bucket boundaries, e.g. [0, 18, 65]")
    Traceback (most recent call last):
    ...
    anonymization_pipeline.core.operators.base.OperatorParameterError: params.edges: required: the bucket boundaries, e.g. [0, 18, 65]
    """
    if name not in params:
        raise OperatorParameterError(name, f"required: {what}")


def _bounds(minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f" from {minimum} to {maximum}"
    if minimum is not None:
        return f" >= {minimum}"
    if maximum is not None:
        return f" <= {maximum}"
    return ""


def check_edges(params: Mapping[str, Any], name: str) -> None:
    """`params[name]`, when given, is a list of at least two strictly increasing numbers.

    >>> check_edges({"edges": [0, 18, 18]}, "edges")
    Traceback (most recent call last):
    ...
    anonymization_pipeline.core.operators.base.OperatorParameterError: params.edges: must increase strictly, but 18 follows 18
    """
    if name not in params:
        return
    edges = params[name]
    if not isinstance(edges, list) or len(edges) < 2:
        raise OperatorParameterError(name, f"must be a list of at least two numbers, got {edges!r}")
    for edge in edges:
        if isinstance(edge, bool) or not isinstance(edge, (int, float)) or edge != edge:
            raise OperatorParameterError(name, f"must contain numbers only, got {edge!r}")
    for before, after in pairwise(edges):
        if after <= before:
            raise OperatorParameterError(name, f"must increase strictly, but {after!r} follows {before!r}")


def check_seed(params: Mapping[str, Any], name: str) -> None:
    """`params[name]`, when given, is a non-negative whole number (numpy's seeds).

    >>> check_seed({"seed": -1}, "seed")
    Traceback (most recent call last):
    ...
    anonymization_pipeline.core.operators.base.OperatorParameterError: params.seed: must be a whole number >= 0, got -1
    """
    check_int(params, name, minimum=0)
