"""A histogram with counts as row weights is judged exactly as the rows it counts."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from anonymization_pipeline.core.risk import assess_risk
from anonymization_pipeline_tests.core.spark.tables import generated_policy, generated_table


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), rows=st.integers(1, 400))
def test_assessing_a_weighted_histogram_equals_assessing_the_rows(seed, rows):
    frame = generated_table(rows, seed).astype({"age": str})
    frame.loc[frame.index % 7 == 0, ["age", "zipcode", "sex", "education"]] = "*"
    policy = generated_policy(k=2, l_diversity={"attribute": "diagnosis", "l": 2})
    counted = frame.groupby(list(frame.columns), dropna=False).size().reset_index(name="n")
    expected = assess_risk(frame, policy)
    found = assess_risk(counted.drop(columns="n"), policy, weights=counted["n"].to_numpy(np.int64))
    assert found.summary == expected.summary
    assert found.failures == expected.failures
