import errno
import os
import subprocess
import sys

import pandas as pd
import pyarrow.parquet as pq
import pytest

from anonymization_pipeline.core.errors import OutputError
from anonymization_pipeline.core.io import parse_location, write_table
from anonymization_pipeline.core.io.atomic_files import TEMPORARY_MARKER

PREVIOUS = pd.DataFrame({"zip": pd.Series(["11111", "22222"], dtype="str")})
NEW = pd.DataFrame({"zip": pd.Series([f"{i:05d}" for i in range(1_000)], dtype="str")})


def _partial_writer_then(failure: BaseException):
    """A stand-in for the library writer: it writes some bytes to its target, then fails."""

    def write(*args, **kwargs):
        target = next(arg for arg in args if isinstance(arg, os.PathLike))
        with open(target, "wb") as handle:
            handle.write(b"half a file")
        raise failure

    return write


@pytest.mark.parametrize("name", ["out.csv", "out.parquet"])
def test_a_failure_mid_write_leaves_the_previous_output_byte_identical(tmp_path, monkeypatch, name):
    location = parse_location(str(tmp_path / name))
    write_table(PREVIOUS, location)
    before = location.path.read_bytes()
    failing = _partial_writer_then(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    if name.endswith(".csv"):
        monkeypatch.setattr(pd.DataFrame, "to_csv", lambda frame, path, **kwargs: failing(path))
    else:
        monkeypatch.setattr(pq, "write_table", lambda table, path, **kwargs: failing(path))
    with pytest.raises(OutputError) as caught:
        write_table(NEW, location)
    assert str(caught.value) == f"cannot write {location.path}: No space left on device"
    assert location.path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_an_interrupt_mid_write_propagates_and_cleans_up(tmp_path, monkeypatch):
    location = parse_location(str(tmp_path / "out.parquet"))
    write_table(PREVIOUS, location)
    before = location.path.read_bytes()
    failing = _partial_writer_then(KeyboardInterrupt())
    monkeypatch.setattr(pq, "write_table", lambda table, path, **kwargs: failing(path))
    with pytest.raises(KeyboardInterrupt):
        write_table(NEW, location)
    assert location.path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.parquet"]


def test_a_folder_in_the_way_is_an_output_error_and_stays(tmp_path):
    (tmp_path / "out.csv").mkdir()
    with pytest.raises(OutputError) as caught:
        write_table(PREVIOUS, parse_location(str(tmp_path / "out.csv")))
    assert str(caught.value) == f"cannot write {tmp_path}/out.csv: Is a directory"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"] and (tmp_path / "out.csv").is_dir()


def test_new_files_get_ordinary_permissions_and_missing_folders(tmp_path):
    previous_umask = os.umask(0o022)
    try:
        location = parse_location(str(tmp_path / "a" / "b" / "out.csv"))
        write_table(PREVIOUS, location)
    finally:
        os.umask(previous_umask)
    assert location.path.stat().st_mode & 0o777 == 0o644
    assert location.path.read_bytes() == b"zip\r\n11111\r\n22222\r\n"


def test_a_killed_writers_temporary_file_is_removed_by_the_next_write(tmp_path):
    """Finding 9: a 6 MB partial output stayed beside the output after a kill."""
    target = tmp_path / "out.csv"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphan = tmp_path / f".out.csv.{gone.stdout.strip()}.0123{TEMPORARY_MARKER}"
    live = tmp_path / f".out.csv.{os.getpid()}.4567{TEMPORARY_MARKER}"
    unrelated = tmp_path / ".out.csv.1.89ab.tmp"
    for path in (orphan, live, unrelated):
        path.write_text("partial rows")

    write_table(NEW, parse_location(str(target)))

    assert not orphan.exists() and live.exists() and unrelated.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, live.name, unrelated.name])
