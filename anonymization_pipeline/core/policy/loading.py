"""Reading a policy file and turning pydantic's errors into one line per problem."""

from __future__ import annotations

import copy
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from anonymization_pipeline.core.errors import PolicyError
from anonymization_pipeline.core.policy.model import FieldProblem, Policy
from anonymization_pipeline.core.policy.strict_yaml import StrictYamlError, load_strict_yaml

_UNIONS = {"input", "output", "hierarchy"}
_UNION_TAGS = {"csv", "parquet", "sql", "table", "intervals", "prefix", "dates"}


def load_policy(path: str | Path) -> Policy:
    """Read and validate a YAML policy; relative paths in it resolve against its folder.

    The YAML is read strictly (see strict_yaml): no aliases, anchors or duplicate keys.

    >>> load_policy("examples/policies/adult.yaml").dataset.name  # doctest: +SKIP
    'adult'
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PolicyError([f"{path}: cannot read the policy file ({error.strerror or type(error).__name__})"]) from None
    try:
        document = copy.deepcopy(_parsed(raw))
    except StrictYamlError as error:
        raise PolicyError([f"{path}: {error}"]) from None
    if not isinstance(document, dict):
        raise PolicyError([f"{path}: a policy is a YAML mapping with 'version', 'dataset' and 'fields'"])
    policy = validate_policy(document, base_dir=path.resolve().parent)
    policy._source_sha256 = hashlib.sha256(raw).hexdigest()
    return policy


@lru_cache(maxsize=16)
def _parsed(raw: bytes) -> Any:
    """The YAML document of a policy file's bytes, parsed once per process: a run loads its policy
    once per stage (eleven times in a run of Adult), and strict parsing is most of a load. Each
    load validates a deep copy (a policy's lists are its own), so checks on the disk such as the
    hierarchy files' existence run every time."""
    return load_strict_yaml(raw)


def validate_policy(document: dict[str, Any], base_dir: Path | None = None) -> Policy:
    try:
        return Policy.model_validate(document, context={"base_dir": base_dir})
    except ValidationError as error:
        raise PolicyError(format_validation_error(error)) from None


def format_validation_error(error: ValidationError) -> list[str]:
    """`fields.age.method: 'generalise' is not one of: keep, drop, …` — one line per problem."""
    lines = []
    for problem in error.errors():
        location = _location(problem["loc"])
        cause = problem.get("ctx", {}).get("error")
        if isinstance(cause, FieldProblem):
            location = f"{location}.{cause.subpath}" if location else cause.subpath
            message = cause.reason
        else:
            message = _message(problem)
        lines.append(f"{location}: {message}" if location else message)
    return lines


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(part) for i, part in enumerate(loc) if not (i > 0 and part in _UNION_TAGS and loc[i - 1] in _UNIONS)]
    parts = [part for part in parts if not part.startswith("function-")]
    return ".".join(parts)


def _message(problem: dict[str, Any]) -> str:
    kind = problem["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required"
    if kind in ("literal_error", "enum"):
        return f"{problem['input']!r} is not one of: {problem['ctx']['expected']}"
    message = problem["msg"]
    return message.removeprefix("Value error, ")
