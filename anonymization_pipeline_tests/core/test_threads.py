"""Work mapped over threads: results in order, the first error raised, the cores really shared."""

from __future__ import annotations

import os
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anonymization_pipeline.core.threads import map_in_threads, usable_cores


@given(st.lists(st.integers()))
def test_results_come_back_in_the_order_of_the_items(items):
    assert map_in_threads(lambda item: item * 3, items) == [item * 3 for item in items]


def test_an_error_in_any_call_is_raised_to_the_caller():
    def fail_on_two(item: int) -> int:
        if item == 2:
            raise ValueError("column 'ssn': 1 value refused")
        return item

    with pytest.raises(ValueError, match="column 'ssn'"):
        map_in_threads(fail_on_two, [1, 2, 3])


@pytest.mark.skipif(usable_cores() < 2, reason="one usable core: the work runs in the calling thread")
def test_two_calls_run_at_the_same_time_when_two_cores_are_usable():
    both_started = threading.Barrier(2, timeout=10)
    assert map_in_threads(lambda item: both_started.wait() >= 0 and item, ["a", "b"]) == ["a", "b"]


@pytest.mark.skipif(usable_cores() < 2, reason="one usable core: the work runs in the calling thread")
def test_a_map_inside_a_worker_runs_in_that_worker_instead_of_nesting_pools():
    outer = threading.get_ident()

    def inner_threads(item: int) -> set[int]:
        return set(map_in_threads(lambda _: threading.get_ident(), range(4)))

    seen = map_in_threads(inner_threads, [0, 1])
    assert all(len(threads) == 1 and outer not in threads for threads in seen)


@pytest.mark.parametrize(
    ("cpu_max", "expected"),
    [("max 100000", None), ("150000 100000", 2), ("50000 100000", 1), ("400000 100000", 4), ("garbage", None)],
)
def test_a_cgroup_quota_caps_the_cores(tmp_path, cpu_max, expected):
    quota = tmp_path / "cpu.max"
    quota.write_text(cpu_max + "\n")
    affinity = len(os.sched_getaffinity(0))
    assert usable_cores(quota) == (affinity if expected is None else min(affinity, expected))
    assert usable_cores(tmp_path / "missing") == affinity
