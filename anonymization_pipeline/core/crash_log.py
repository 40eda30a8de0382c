"""Where an internal error's traceback goes: a private log file the one-line message names.

A traceback on the terminal buries the one line a user acts on, and can quote data (an
exception's message may hold a cell). So exit 3 prints `error: internal error (…); details in
<file>`, and the file (0600, in the temporary folder unless ANONYMIZER_LOG_DIR says otherwise)
holds the traceback for whoever reports the bug.
"""

from __future__ import annotations

import os
import tempfile
import time
import traceback
from pathlib import Path

LOG_DIR_VARIABLE = "ANONYMIZER_LOG_DIR"


def write_crash_log(details: str) -> Path | None:
    """Write `details` to a new private log file; None when no file can be written either."""
    folder = Path(os.environ.get(LOG_DIR_VARIABLE) or Path(tempfile.gettempdir()) / "anonymization_pipeline-logs")
    path = folder / f"internal-error-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}.log"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(details)
    except OSError:
        return None
    return path


def internal_error_line(error: BaseException) -> str:
    """The one line for an unexpected exception, its traceback saved to a log file."""
    details = "".join(traceback.format_exception(error))
    return internal_error_line_for(type(error).__name__, details)


def internal_error_line_for(kind: str, details: str) -> str:
    path = write_crash_log(details)
    where = f"the traceback is in {path}" if path is not None else "no log file could be written"
    return f"internal error ({kind}); {where}. Please report it"
