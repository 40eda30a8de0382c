"""The policy's hierarchies (the privacy engine's), as tables covering the values at hand.

Matching an outside record to a published cell, and the hierarchical t-closeness distance, read a
hierarchy as a table: first column the original values, then one column per level. Interval,
prefix and date hierarchies are derived from values, so they are extended to cover the values
being matched (an outside list holds values the published data never had).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from anonymization_pipeline.core.policy.model import Policy, TableHierarchy
from anonymization_pipeline.core.privacy import Hierarchy
from anonymization_pipeline.core.privacy.encoding import column_text
from anonymization_pipeline.core.privacy.hierarchies import MISSING, derive_hierarchy, read_table_hierarchy


def present_values(column: pd.Series) -> np.ndarray:
    """Distinct non-missing values of a column, as str."""
    text = column_text(column)
    return np.unique(text[text != MISSING].astype(str))


def column_hierarchies(policy: Policy, frame: pd.DataFrame, columns: list[str]) -> dict[str, Hierarchy]:
    """The hierarchy the policy gives each of `columns` (those without one are left out).

    >>> from anonymization_pipeline.core.policy import load_policy
    >>> column_hierarchies(load_policy("examples/adult/policy.yaml"), frame, ["sex"])["sex"].height  # doctest: +SKIP
    2
    """
    hierarchies = {}
    for name in columns:
        field = policy.fields.get(name)
        if field is None or field.hierarchy is None:
            continue
        if isinstance(field.hierarchy, TableHierarchy):
            hierarchies[name] = read_table_hierarchy(name, field.hierarchy)
        else:
            hierarchies[name] = derive_hierarchy(name, field.hierarchy, present_values(frame[name]))
    return hierarchies


def hierarchy_tables(hierarchies: Mapping[str, Hierarchy], frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each hierarchy as a table, extended to cover `frame`'s values of its column.

    >>> h = Hierarchy.from_rows("sex", [["F", "*"], ["M", "*"]])
    >>> hierarchy_tables({"sex": h}, pd.DataFrame({"sex": ["F"]}))["sex"].shape
    (2, 2)
    """
    tables = {}
    for name, hierarchy in hierarchies.items():
        covering = hierarchy.covering(present_values(frame[name])) if name in frame.columns else hierarchy
        tables[name] = pd.DataFrame(covering.table).astype(str)
    return tables
