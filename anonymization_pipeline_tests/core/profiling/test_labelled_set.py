"""Column-level macro F1 of the class on the project's labelled set (at least 300 columns)."""

from __future__ import annotations

import collections

import numpy as np

from anonymization_pipeline.core.datasets.labelled_columns import labelled_columns, macro_f1
from anonymization_pipeline.core.profiling import profile_column
from anonymization_pipeline.core.profiling.sampling import sample_column

TARGET_F1 = 0.95


def test_macro_f1_of_the_class_reaches_the_target_on_plain_and_obfuscated_names():
    columns = labelled_columns(seed=11)
    rng = np.random.default_rng(0)
    predicted = [profile_column(sample_column(c.name, c.values, 1_000, rng)).field_class for c in columns]
    truth = [column.label for column in columns]

    assert len(columns) >= 300
    assert all(count >= 40 for count in collections.Counter(truth).values()) and len(set(truth)) == 4
    assert sum(column.name.startswith("col_") for column in columns) >= 150
    assert macro_f1(truth, predicted) >= TARGET_F1
    obfuscated = [(t, p) for column, t, p in zip(columns, truth, predicted) if column.name.startswith("col_")]
    assert macro_f1(*map(list, zip(*obfuscated))) >= TARGET_F1


def test_the_labelled_set_is_reproducible():
    first, second = labelled_columns(seed=5)[:40], labelled_columns(seed=5)[:40]
    assert [c.name for c in first] == [c.name for c in second]
    assert all(a.values.equals(b.values) for a, b in zip(first, second))
