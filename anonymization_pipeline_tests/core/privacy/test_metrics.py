"""Each utility metric on a four-row table computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline.core.privacy.classes import base_classes, roll_up
from anonymization_pipeline.core.privacy.encoding import encode_table
from anonymization_pipeline.core.privacy.hierarchies import Hierarchy
from anonymization_pipeline.core.privacy.lattice import Lattice
from anonymization_pipeline.core.privacy.metrics import floor10, make_metric

# a: x, x, y, z; at level 1 the classes are X = {x, x, y} and Z = {z}.
HIERARCHY = Hierarchy.from_rows("a", [["x", "X", "*"], ["y", "X", "*"], ["z", "Z", "*"]])


@pytest.fixture(scope="module")
def table():
    return encode_table(pd.DataFrame({"a": ["x", "x", "y", "z"]}), {"a": HIERARCHY}, ["a"], {})


@pytest.fixture(scope="module")
def level_one(table):
    return roll_up(table, base_classes(table), (1,))


KEPT = np.array([False, False])
Z_SUPPRESSED = np.array([False, True])
NUE_LEVEL_ONE = 2 * np.log2(3 / 2) + np.log2(3)


@pytest.mark.parametrize(
    ("metric", "suppressed", "expected"),
    [
        ("discernibility", KEPT, 10.0),
        ("discernibility", Z_SUPPRESSED, 9.0 + 4 * 1),
        ("discernibility_monotonic", Z_SUPPRESSED, 10.0),
        ("non_uniform_entropy_monotonic", Z_SUPPRESSED, floor10(NUE_LEVEL_ONE)),
        ("non_uniform_entropy", Z_SUPPRESSED, floor10(NUE_LEVEL_ONE)),
        ("loss", KEPT, 0.375),
        ("loss", Z_SUPPRESSED, (3 * 2 / 3 + 1 - 4 / 3) / (4 - 4 / 3)),
        ("aecs", KEPT, 2.0),
        ("aecs", Z_SUPPRESSED, 2.0),
    ],
)
def test_metric_values(table, level_one, metric, suppressed, expected):
    assert make_metric(metric, table).loss(level_one, suppressed) == pytest.approx(expected, rel=1e-12)


def test_non_uniform_entropy_counts_the_suppressed_rows_spread(table):
    top = roll_up(table, base_classes(table), (0,))
    suppressed = np.array([True, True, False])

    loss = make_metric("non_uniform_entropy", table).loss(top, suppressed)

    assert loss == pytest.approx(floor10(3 * np.log2(3) - 2 * np.log2(2)), rel=1e-12)


def test_lower_bounds_never_exceed_losses(table):
    levels = Lattice.natural_levels(table.heights)
    classes = [roll_up(table, base_classes(table), tuple(int(v) for v in node)) for node in levels]
    for name in ("discernibility", "discernibility_monotonic", "non_uniform_entropy", "non_uniform_entropy_monotonic", "loss", "aecs"):
        metric = make_metric(name, table)
        bounds = metric.lower_bounds(levels)
        for bound, node_classes in zip(bounds, classes):
            for suppressed in (np.zeros(node_classes.count, dtype=bool), node_classes.sizes < 2):
                assert bound <= metric.loss(node_classes, suppressed) + 1e-12
        assert np.all(np.diff(bounds) >= 0)
