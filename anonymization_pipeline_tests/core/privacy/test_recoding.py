"""Writing a transformation into a frame, with and without suppression."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.policy.model import IntervalHierarchy
from anonymization_pipeline.core.privacy import apply_transformation
from anonymization_pipeline.core.privacy.encoding import encode_table
from anonymization_pipeline.core.privacy.hierarchies import Hierarchy, derive_hierarchy
from anonymization_pipeline.core.privacy.recoding import recode

SEX = Hierarchy.from_rows("sex", [["Male", "*"], ["Female", "*"]])
AGE = derive_hierarchy("age", IntervalHierarchy(intervals=[0, 50, 100]), np.array(["20", "60"]))


def test_apply_transformation_generalizes_an_outside_list_the_same_way():
    outside = pd.DataFrame({"name": ["p", "q", "r"], "sex": ["Female", "Male", None], "age": [33, 71, 20]}, index=[5, 6, 7])

    result = apply_transformation(outside, {"sex": SEX, "age": AGE}, {"sex": 0, "age": 1})

    assert result["age"].tolist() == ["[0, 50)", "[50, 100]", "[0, 50)"]
    assert result["sex"].tolist()[:2] == ["Female", "Male"] and pd.isna(result["sex"].iloc[2])
    assert result["name"].tolist() == ["p", "q", "r"] and result.index.tolist() == [5, 6, 7]


def test_apply_transformation_rejects_values_a_table_lacks():
    with pytest.raises(InputDataError, match=r"^column 'sex': 1 distinct value\(s\) in 1 row\(s\) are not in its hierarchy"):
        apply_transformation(pd.DataFrame({"sex": ["Other"]}), {"sex": SEX}, {"sex": 1})


def test_recode_masks_or_removes_failing_classes():
    frame = pd.DataFrame({"sex": ["Male", "Female", "Male"], "age": [20, 60, 20], "other": [1, 2, 3]})
    table = encode_table(frame, {"sex": SEX, "age": AGE}, ["sex", "age"], {})
    failing = np.array([True, False])  # classes in key order: (Female, 60) first

    masked, suppressed = recode(frame, table, (0, 1), failing, "mask")
    removed, _ = recode(frame, table, (0, 1), failing, "remove")

    assert suppressed.tolist() == [False, True, False]
    assert masked.values.tolist() == [["Male", "[0, 50)", 1], ["*", "*", 2], ["Male", "[0, 50)", 3]]
    assert removed.index.tolist() == [0, 2]
