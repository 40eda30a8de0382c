"""Grouping keys: the dense, packed-sort and unique paths give the same classes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from anonymization_pipeline.core.privacy.grouping import combine_codes, group_keys


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=60), st.sampled_from([51, 10**6, 2**61]))
def test_every_path_numbers_classes_in_key_order(keys, space):
    array = np.array(keys, dtype=np.int64)
    groups = group_keys(array, space)

    distinct = np.unique(array)
    assert groups.count == len(distinct)
    assert np.array_equal(distinct[groups.class_of], array)
    assert np.array_equal(array[groups.reps], distinct)


def test_combine_codes_compacts_before_overflowing():
    codes = [np.array([1, 2, 1]), np.array([5, 5, 5]), np.array([0, 1, 0])]
    key, space = combine_codes(codes, [2**40, 2**30, 2], 3)

    assert key[0] == key[2] != key[1]
    assert space < 2**62
