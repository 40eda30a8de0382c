"""The policy's hierarchies (the privacy engine's) as tables covering the values at hand.

Matching an outside record to a published cell reads a hierarchy as a table: first column the
original values, then one column per level. Interval, prefix and date hierarchies are derived
from values, so they are extended to cover the values being matched (an outside list holds
values the published data never had).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from anonymization_pipeline.core.policy.model import Policy
from anonymization_pipeline.core.privacy import Hierarchy
from anonymization_pipeline.core.privacy.encoding import column_strings, distinct_strings
from anonymization_pipeline.core.privacy.engine import build_hierarchies


def column_hierarchies(policy: Policy, frame: pd.DataFrame, columns: list[str]) -> dict[str, Hierarchy]:
    """The hierarchy the policy gives each of `columns` (those without one are left out)."""
    return build_hierarchies(policy, frame, [name for name in columns if name in policy.fields and policy.fields[name].hierarchy is not None])


def hierarchy_tables(hierarchies: Mapping[str, Hierarchy], frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each hierarchy as a table, extended to cover `frame`'s values of its column.

    >>> h = Hierarchy.from_rows("sex", [["F", "*"], ["M", "*"]])
    >>> hierarchy_tables({"sex": h}, pd.DataFrame({"sex": ["F"]}))["sex"].shape
    (2, 2)
    """
    tables = {}
    for name, hierarchy in hierarchies.items():
        covering = hierarchy.covering(distinct_strings(column_strings(frame[name]))) if name in frame.columns else hierarchy
        tables[name] = pd.DataFrame(covering.table).astype(str)
    return tables
