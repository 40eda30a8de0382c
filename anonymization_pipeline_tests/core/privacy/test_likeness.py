"""β-likeness and δ-disclosure privacy against a naive per-class computation, and ARX's published
β-likeness results on Adult."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anonymization_pipeline.core.datasets.adult import ADULT_QUASI_IDENTIFIERS, load_adult
from anonymization_pipeline.core.privacy import anonymize_quasi_identifiers
from anonymization_pipeline.core.privacy.classes import base_classes
from anonymization_pipeline.core.privacy.encoding import encode_table
from anonymization_pipeline.core.privacy.hierarchies import Hierarchy
from anonymization_pipeline.core.privacy.likeness import BetaLikeness, DeltaDisclosure
from anonymization_pipeline_tests.core.privacy.adult_policies import adult_policy

EIGHT = [c for c in ADULT_QUASI_IDENTIFIERS if c != "occupation"]


def _naive(groups: list[str], values: list[str]) -> list[list[tuple[float, float]]]:
    """Per class (in class-label order), (share in class, share in table) of each present value."""
    table = Counter(values)
    out = []
    for group in sorted(set(groups)):
        members = [v for g, v in zip(groups, values) if g == group]
        inside = Counter(members)
        out.append([(inside[v] / len(members), table[v] / len(values)) for v in inside])
    return out


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(st.tuples(st.sampled_from("abcd"), st.sampled_from(["x", "y", "z", "w"])), min_size=1, max_size=40),
    beta=st.sampled_from([0.3, 1.0, 2.5]),
    delta=st.sampled_from([0.5, 1.0, 1.5]),
)
def test_values_and_verdicts_match_a_naive_computation(rows, beta, delta):
    groups, values = [g for g, _ in rows], [v for _, v in rows]
    frame = pd.DataFrame({"g": groups, "s": values})
    table = encode_table(frame, {"g": Hierarchy.from_rows("g", [[g, "*"] for g in "abcd"])}, ["g"], {"s": None})
    classes = base_classes(table)
    order = np.argsort([str(v) for v in table.hierarchies[0].values[table.tuple_codes[0]]])
    kept = np.ones(classes.count, dtype=bool)
    naive = _naive(groups, values)
    gains = [max((p - q) / q for p, q in cls) for cls in naive]
    logs = [max(abs(math.log2(p / q)) for p, q in cls) for cls in naive]

    for enhanced in (False, True):
        criterion = BetaLikeness(table.sensitive["s"], beta, enhanced)
        expected = [any((p - q) / q > (min(beta, -math.log(q)) if enhanced else beta) for p, q in cls) for cls in naive]
        assert criterion.failing(classes)[order].tolist() == expected
        assert criterion.achieved(classes, kept) == pytest.approx(max(gains), abs=1e-12)
    disclosure = DeltaDisclosure(table.sensitive["s"], delta)
    assert disclosure.failing(classes)[order].tolist() == [value >= delta for value in logs]
    assert disclosure.achieved(classes, kept) == pytest.approx(max(logs), abs=1e-12)


@pytest.mark.parametrize(
    ("privacy", "levels", "loss"),
    [
        ({"beta_likeness": {"attribute": "occupation", "beta": 3}, "max_suppression": 0.5}, [0, 3, 0, 0, 2, 0, 1, 0], 0.34883856157237925),
        ({"beta_likeness": {"attribute": "occupation", "beta": 2, "variant": "enhanced"}}, [1, 4, 1, 1, 3, 2, 2, 0], 0.759176305345683),
    ],
    ids=["basic-3-50pct", "enhanced-2-0pct"],
)
def test_beta_likeness_matches_arx_reference_results_on_adult(privacy, levels, loss):
    result = anonymize_quasi_identifiers(load_adult(), adult_policy({**privacy, "metric": "loss"}, EIGHT, "occupation"))

    assert list(result.summary["transformation"].values()) == levels
    assert result.summary["information_loss"] == pytest.approx(loss, rel=1e-9)
    assert result.summary["criteria"][0].endswith("-likeness on 'occupation'")
