"""The operator contract: a named, stateless method that protects one column at a time.

This is Presidio's anonymizer pattern, made vectorised: `validate` checks the parameters once
when the policy is loaded, `operate` transforms a whole column, and the outcome records what was
done so that the audit trail can say which operator touched how many values.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

from anonymization_pipeline.core.errors import ConfigurationError

if TYPE_CHECKING:
    from anonymization_pipeline.core.keys.provider import KeyProvider


class OperatorParameterError(ConfigurationError):
    """A parameter of an operator is wrong; `parameter` is its name, so the policy path can be built."""

    def __init__(self, parameter: str, reason: str):
        self.parameter = parameter
        self.reason = reason
        super().__init__(f"params.{parameter}: {reason}")


@dataclass(frozen=True)
class OperatorContext:
    """What an operator may need beyond its column: the field name, keys, and the whole frame."""

    field: str
    keys: KeyProvider | None = None
    frame: pd.DataFrame | None = field(default=None, repr=False)
    seed: int | None = None


@dataclass(frozen=True)
class OperatorOutcome:
    """The protected column (None when the column is dropped) and counts for the audit record.

    The repr shows the stats only: an outcome may be logged, its column must not be.
    """

    column: pd.Series | None = field(repr=False)
    stats: dict[str, Any] = field(default_factory=dict)


class Operator(ABC):
    """A named protection method. Subclasses set `name` and implement `validate` and `operate`."""

    name: ClassVar[str]
    protects_identifiers: ClassVar[bool] = False
    """Whether the output no longer reveals a direct identifier (drop, redact, mask, keyed
    pseudonyms, encryption, surrogates). Only such operators may be applied to a direct
    identifier: `keep`, noise or rounding would publish it, or something traceable to it."""

    def validate(self, params: Mapping[str, Any]) -> None:
        """Raise OperatorParameterError for any unknown or ill-typed parameter."""
        unknown = sorted(set(params) - set(self.parameters()))
        if unknown:
            raise OperatorParameterError(
                unknown[0], f"unknown parameter for '{self.name}'; allowed: {', '.join(self.parameters()) or 'none'}"
            )

    def parameters(self) -> tuple[str, ...]:
        """Names of the parameters this operator accepts."""
        return ()

    @abstractmethod
    def operate(self, column: pd.Series, params: Mapping[str, Any], context: OperatorContext) -> OperatorOutcome:
        """Protect a whole column at once; never loop over rows in Python."""
