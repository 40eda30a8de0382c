"""Independent pieces of work run on the cores this process may use, in threads.

The heavy parts of the assessment (Arrow kernels, numpy, sorting) release the GIL, so threads
overlap most of their work without copying a column to another process; on two cores the raw
identifiers' digests and the leak check take about two thirds of their time in one thread.

A call made from one of these threads runs its items in that thread: the leak check maps over
columns and each column over chunks of values, and nesting pools would keep cores² chunks alive
at once. Cores are those of the CPU affinity, capped by a cgroup (v2) CPU quota, so a container
limited to two CPUs on a large host starts two threads.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")

_worker = threading.local()


def usable_cores(quota_file: Path = CGROUP_CPU_MAX) -> int:
    """The cores this process may run on: its CPU affinity where the system has one, capped by
    the cgroup's quota (`cpu.max`: `<quota> <period>` in microseconds, or `max`)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        quota, period = quota_file.read_text().split()[:2]
    except (OSError, ValueError):
        return cores
    if quota == "max" or not quota.isdigit() or not period.isdigit() or int(period) == 0:
        return cores
    return max(1, min(cores, math.ceil(int(quota) / int(period))))


def map_in_threads(function: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    """`[function(item) for item in items]`, in order, with up to one thread per usable core (in
    the calling thread when it is itself one of them); the first exception any call raises is
    raised here.

    >>> map_in_threads(len, ["a", "bb", "ccc"])
    [1, 2, 3]
    """
    workers = min(len(items), usable_cores())
    if workers <= 1 or getattr(_worker, "active", False):
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="anonymizer", initializer=_mark_worker) as pool:
        return list(pool.map(function, items))


def _mark_worker() -> None:
    _worker.active = True
