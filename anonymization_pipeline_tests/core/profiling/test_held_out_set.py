"""Column-level macro F1 of the class on a held-out set built apart from the detectors (see
`held_out_columns`): other locales, naming conventions, messy formats and look-alikes."""

from __future__ import annotations

import collections

import numpy as np

from anonymization_pipeline.core.datasets.labelled_columns import macro_f1
from anonymization_pipeline.core.profiling import profile_column
from anonymization_pipeline.core.profiling.sampling import sample_column
from anonymization_pipeline_tests.core.profiling.held_out_columns import held_out_columns

TARGET_F1 = 0.95


def test_macro_f1_of_the_class_reaches_the_target_on_the_held_out_set():
    columns = held_out_columns(seed=2)
    rng = np.random.default_rng(0)
    predicted = [profile_column(sample_column(c.name, c.values, 1_000, rng)).field_class for c in columns]
    truth = [column.label for column in columns]

    assert len(columns) >= 600
    assert min(collections.Counter(truth).values()) >= 60
    assert macro_f1(truth, predicted) >= TARGET_F1
