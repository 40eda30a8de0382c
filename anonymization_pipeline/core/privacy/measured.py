"""What the criteria measure: the published values of the sensitive attributes.

An operator on a measured attribute (e.g. `bucket` on income) changes what is published, so the
search must judge the changed values, not the raw ones. The policy only lets row-local,
deterministic, keyless methods reach a measured attribute (`MEASURABLE_METHODS`), so applying
them here, before the search, yields exactly the values the sensitive stage publishes later, and
the assessment can rebuild the same input distribution from the raw input.
"""

from __future__ import annotations

import pandas as pd

from anonymization_pipeline.core.operators import OperatorContext, get_operator
from anonymization_pipeline.core.policy.model import Policy
from anonymization_pipeline.core.privacy.criteria import sensitive_names


def measured_values(frame: pd.DataFrame, policy: Policy, names: list[str] | None = None) -> pd.DataFrame:
    """`frame` with every attribute a criterion measures (or each of `names`, whose methods must be
    measurable) replaced by its published values.

    >>> measured_values(frame, policy)["income"].iloc[0]  # doctest: +SKIP
    '[50000, 60000)'
    """
    if names is None:
        names = sensitive_names(policy.privacy) if policy.privacy else []
    changed = {}
    for name in names:
        field = policy.fields[name]
        if field.effective_method == "keep" or name not in frame.columns:
            continue
        operator = get_operator(field.effective_method)
        changed[name] = operator.operate(frame[name], field.params, OperatorContext(field=name, frame=frame)).column
    return frame.assign(**changed) if changed else frame
