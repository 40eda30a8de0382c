"""One publisher per output at a time: a second run aiming at the same file or table says so.

The atomic writers already make each publish all-or-nothing; the lock makes two runs started
together publish one after the other's refusal rather than interleave an output and its report.
The lock is an advisory `flock` on a file named after the output, in a private folder of the
temporary directory; the operating system releases it when the process ends, even on a kill.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from anonymization_pipeline.core.errors import OutputError
from anonymization_pipeline.core.io.locations import AnyLocation, describe_location, place_of

LOCK_FOLDER = "anonymization_pipeline-locks"


@contextmanager
def output_lock(location: AnyLocation) -> Iterator[None]:
    """Hold the publishing lock of `location` for the `with` block, or raise OutputError at once.

    >>> with output_lock(parse_location("out/people.csv")):  # doctest: +SKIP
    ...     write_table(frame, parse_location("out/people.csv"))
    """
    folder = Path(tempfile.gettempdir()) / LOCK_FOLDER
    folder.mkdir(mode=0o700, exist_ok=True)
    name = hashlib.sha256("\0".join(place_of(location)).encode()).hexdigest()[:32]
    descriptor = os.open(folder / f"{name}.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                f"another run is publishing to {describe_location(location)} right now; nothing was written"
            ) from None
        yield
    finally:
        os.close(descriptor)
