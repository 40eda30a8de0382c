"""Replacing an output file all at once, or not at all.

A reader of the output (a person, a downstream job) must never see half a file, and a failed run
must leave yesterday's output as it was. So the writer writes to a hidden temporary file in the
target's own folder (same filesystem, so the final rename is atomic), flushes it to disk, and only
then renames it over the target. On any failure the temporary file is removed.

A process killed mid-write cannot remove its temporary file, which holds part of the output. So
the name carries a marker and the writer's process id (`.<target>.<pid>.<random>.anonymizer-tmp`),
and the next write of the same target removes the ones whose process is gone: files it can
prove are its own leftovers, never another live writer's.
"""

from __future__ import annotations

import glob
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from anonymization_pipeline.core.errors import OutputError

TEMPORARY_MARKER = ".anonymizer-tmp"


@contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """Yield a temporary path to write to; on success it atomically becomes `target`.

    Operating-system failures (no space, no permission) become an OutputError naming the target.

    >>> with atomic_output(Path("/tmp/out/report.txt")) as temporary:  # doctest: +SKIP
    ...     temporary.write_text("done")
    """
    temporary = target.parent / f".{target.name}.{os.getpid()}.{uuid.uuid4().hex}{TEMPORARY_MARKER}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_orphans(target)
        os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        yield temporary
        _flush_to_disk(temporary)
        os.replace(temporary, target)
    except OSError as error:
        _discard(temporary)
        reason = "part of its folder path is a file" if isinstance(error, FileExistsError | NotADirectoryError) else None
        raise OutputError(f"cannot write {target}: {reason or error.strerror or type(error).__name__}") from None
    except BaseException:
        _discard(temporary)
        raise
    with suppress(OSError):  # some filesystems refuse fsync on a folder; the rename is done anyway
        _flush_to_disk(target.parent)


def _discard(temporary: Path) -> None:
    """Remove a temporary file if there is one (its folder may not even exist)."""
    with suppress(OSError):
        temporary.unlink(missing_ok=True)


def remove_orphans(target: Path) -> list[Path]:
    """Delete the temporary files of `target` left by writers that no longer run; returns them."""
    removed = []
    for path in target.parent.glob(f".{glob.escape(target.name)}.*{TEMPORARY_MARKER}"):
        pid = path.name[len(target.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not process_running(int(pid)):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def process_running(pid: int) -> bool:
    """Whether a process with this id exists on this machine (one of another user counts too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _flush_to_disk(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
