"""Each privacy criterion on hand-made classes with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline.core.errors import PrivacyTargetNotMet
from anonymization_pipeline.core.policy.model import Privacy
from anonymization_pipeline.core.privacy.classes import base_classes
from anonymization_pipeline.core.privacy.closeness import EqualDistanceTCloseness, HierarchicalDistanceTCloseness, OrderedDistanceTCloseness
from anonymization_pipeline.core.privacy.criteria import DistinctLDiversity, EntropyLDiversity, KAnonymity, RecursiveCLDiversity, build_criteria
from anonymization_pipeline.core.privacy.encoding import encode_table
from anonymization_pipeline.core.privacy.hierarchies import Hierarchy


def _classes(groups: dict[str, list], sensitive_hierarchy: list[list[str]] | None = None):
    """One class per key of `groups`, holding the listed sensitive values."""
    frame = pd.DataFrame([(g, v) for g, values in groups.items() for v in values], columns=["g", "s"])
    hierarchy = Hierarchy.from_rows("g", [[g, "*"] for g in groups])
    sensitive = {"s": Hierarchy.from_rows("s", sensitive_hierarchy) if sensitive_hierarchy else None}
    table = encode_table(frame, {"g": hierarchy}, ["g"], sensitive)
    return table, base_classes(table)


LI_SALARIES = {"A": ["3000", "4000", "5000"], "B": ["6000", "8000", "11000"], "C": ["7000", "9000", "10000"]}


def test_ordered_distance_reproduces_li_et_al_salary_example():
    table, classes = _classes(LI_SALARIES)
    distances = OrderedDistanceTCloseness(table.sensitive["s"], 0.2).distances(classes)

    assert distances == pytest.approx([0.375, 1 / 6, 17 / 72])
    assert OrderedDistanceTCloseness(table.sensitive["s"], 0.2).failing(classes).tolist() == [True, False, True]


def test_equal_distance_is_half_the_l1_distance():
    table, classes = _classes(LI_SALARIES)
    criterion = EqualDistanceTCloseness(table.sensitive["s"], 0.5)

    assert criterion.distances(classes) == pytest.approx([2 / 3, 2 / 3, 2 / 3])
    assert criterion.failing(classes).all()


def test_hierarchical_distance_charges_each_level_by_its_height():
    tree = [["x1", "X", "*"], ["x2", "X", "*"], ["y1", "Y", "*"], ["y2", "Y", "*"]]
    table, classes = _classes({"a": ["x1", "x1"], "b": ["x2", "y1", "y2"], "c": ["x1", "x2", "y1", "y2"]}, tree)
    everything = table.sensitive["s"].distribution / table.sensitive["s"].distribution.sum()
    assert everything.tolist() == pytest.approx([3 / 9, 2 / 9, 2 / 9, 2 / 9])

    distances = HierarchicalDistanceTCloseness(table.sensitive["s"], 0.3).distances(classes)

    # a: leaves +6/9,-2/9,-2/9,-2/9, so X costs 1/2*2/9 and the root 1*4/9; b and c likewise.
    assert distances == pytest.approx([5 / 9, 5 / 18, 5 / 72])


def test_entropy_l_diversity_uses_arx_form():
    table, classes = _classes({"a": ["p", "p", "q", "r"]})

    assert EntropyLDiversity("s", 2.8).failing(classes).tolist() == [False]
    assert EntropyLDiversity("s", 2.9).failing(classes).tolist() == [True]
    assert EntropyLDiversity("s", 2.8).achieved(classes, np.array([True])) == pytest.approx(math.sqrt(8))
    assert EntropyLDiversity("s", 3.5).relaxed() == DistinctLDiversity("s", 4)


def test_recursive_cl_diversity_compares_largest_to_tail():
    table, classes = _classes({"a": ["p", "p", "p", "q", "r"]})

    assert RecursiveCLDiversity("s", 2.0, 2).failing(classes).tolist() == [False]
    assert RecursiveCLDiversity("s", 1.5, 2).failing(classes).tolist() == [True]
    assert RecursiveCLDiversity("s", 9.0, 4).failing(classes).tolist() == [True]


def test_missing_sensitive_values_are_a_category_of_their_own():
    table, classes = _classes({"a": ["flu", None], "b": ["flu", "flu"]})

    assert DistinctLDiversity("s", 2).failing(classes).tolist() == [False, True]
    assert table.sensitive["s"].labels.tolist() == ["flu", ""]


def test_k_anonymity_flags_small_classes():
    _, classes = _classes({"a": ["p"] * 3, "b": ["p"] * 2})

    assert KAnonymity(3).failing(classes).tolist() == [False, True]
    assert KAnonymity(3).monotone_with_suppression and KAnonymity(3).relaxed() == KAnonymity(3)
    assert EqualDistanceTCloseness.relaxed(EqualDistanceTCloseness(_classes({"a": ["p"]})[0].sensitive["s"], 0.1)) is None


def test_build_criteria_follows_the_policy():
    table, _ = _classes({"a": ["p", "q", "r"]})
    privacy = Privacy(k=3, l_diversity={"attribute": "s", "l": 2, "variant": "recursive", "c": 3}, t_closeness={"attribute": "s", "t": 0.4, "distance": "ordered"})

    described = [c.describe() for c in build_criteria(privacy, table.sensitive)]

    assert described == ["k=3", "recursive (3,2)-diversity on 's'", "0.4-closeness (ordered distance) on 's'"]
    with pytest.raises(PrivacyTargetNotMet, match="needs 4 distinct values of 's'"):
        build_criteria(Privacy(l_diversity={"attribute": "s", "l": 3.5, "variant": "entropy"}), table.sensitive)
