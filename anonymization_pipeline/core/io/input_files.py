"""Checking that an input file is there before a library gets to complain about it."""

from __future__ import annotations

import os
from pathlib import Path

from anonymization_pipeline.core.errors import InputDataError


def require_input_file(path: Path, kind: str) -> Path:
    """`path` if it is a readable file, else an InputDataError saying which of those it is not.

    >>> require_input_file(Path("/nowhere/x.csv"), "CSV")
    Traceback (most recent call last):
    ...
    anonymization_pipeline.core.errors.InputDataError: CSV file not found: /nowhere/x.csv
    """
    if not path.exists():
        raise InputDataError(f"{kind} file not found: {path}")
    if path.is_dir():
        raise InputDataError(f"{kind} path is a folder, not a file: {path}")
    if not os.access(path, os.R_OK):
        raise InputDataError(f"cannot read {kind} file {path}: permission denied")
    return path
