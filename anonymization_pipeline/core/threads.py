"""Independent pieces of work run on the cores this process may use, in threads.

The heavy parts of the assessment (Arrow kernels, numpy, sorting) release the GIL, so threads
overlap most of their work without copying a column to another process; on two cores the raw
identifiers' digests and the leak check take about two thirds of their time in one thread.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def map_in_threads(function: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    """`[function(item) for item in items]`, in order, with up to one thread per usable core; the
    first exception any call raises is raised here.

    >>> map_in_threads(len, ["a", "bb", "ccc"])
    [1, 2, 3]
    """
    workers = min(len(items), usable_cores())
    if workers <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="anonymizer") as pool:
        return list(pool.map(function, items))
