"""A transformation in words: each quasi-identifier's generalization level as what it means
(`birth_date: year`, `zipcode: first 3 characters`, `age: level 2 of 5, e.g. [20-40[`), not a
bare number. Names come from the policy's hierarchy specs; a table hierarchy shows the label its
first row has at that level (a label of the hierarchy file, never a value of the data).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.policy.model import DateHierarchy, IntervalHierarchy, PrefixHierarchy, TableHierarchy

AS_IS = "as is"
SUPPRESSED = "* (fully generalized)"


def describe_transformation(policy: Policy, transformation: Mapping[str, int | None]) -> dict[str, str]:
    """Each column's level in words.

    >>> from anonymization_pipeline.core.policy import validate_policy
    >>> policy = validate_policy({"version": 1, "dataset": {"name": "d", "input": {"format": "csv", "path": "/i.csv"},
    ...     "output": {"format": "csv", "path": "/o.csv"}}, "fields": {"zip": {"class": "quasi_identifier",
    ...     "hierarchy": {"prefix": [3, 1]}}}, "privacy": {"k": 2}})
    >>> describe_transformation(policy, {"zip": 1})
    {'zip': 'first 3 characters'}
    """
    described = {}
    for column, level in transformation.items():
        field = policy.fields.get(column)
        if level is None or field is None or field.hierarchy is None:
            described[column] = "generalized per class (local recoding)" if level is None else f"level {level}"
        else:
            described[column] = level_name(field.hierarchy, level)
    return described


def level_name(spec: TableHierarchy | IntervalHierarchy | PrefixHierarchy | DateHierarchy, level: int) -> str:
    if level == 0:
        return AS_IS
    if isinstance(spec, DateHierarchy):
        names = list(spec.dates)
        return SUPPRESSED if level > len(names) or names[level - 1] == "*" else names[level - 1]
    if isinstance(spec, PrefixHierarchy):
        kept = [n for n in spec.prefix if n > 0]
        return f"first {kept[level - 1]} characters" if level <= len(kept) else SUPPRESSED
    if isinstance(spec, IntervalHierarchy):
        bounds, levels = list(spec.intervals), 0
        while len(bounds) > 2:  # as the hierarchy builds them: bins, then pairs merged, then *
            levels += 1
            bounds = bounds[:-1:2] + [bounds[-1]]
        if level > levels:
            return SUPPRESSED
        return "the policy's intervals" if level == 1 else f"the policy's intervals merged {2 ** (level - 1)} at a time"
    return _table_level(spec, level)


def _table_level(spec: TableHierarchy, level: int) -> str:
    try:
        first = next(line for line in Path(spec.table).read_text(encoding="utf-8-sig").splitlines() if line.strip())
    except (OSError, UnicodeDecodeError, StopIteration):
        return f"level {level}"
    labels = first.split(spec.delimiter if spec.delimiter in first else ("," if ";" == spec.delimiter else ";"))
    if level >= len(labels) - 1 and labels[-1].strip() == "*":
        return SUPPRESSED
    example = labels[level].strip() if level < len(labels) else ""
    return f"level {level} of {len(labels) - 1}" + (f", e.g. {example}" if example else "")
