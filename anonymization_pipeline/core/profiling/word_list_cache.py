"""Word lists derived from Faker, kept on disk between processes.

Building them imports about two hundred of Faker's locale modules and normalises a hundred thousand
words: about a second, paid by every process that profiles a column, and each Dagster run is a new
process. They depend only on Faker's version and on the code that derives them, so they are cached
in the user's cache folder (`$XDG_CACHE_HOME`, else `~/.cache`) under a name made of both. A cache
that cannot be read or written is rebuilt, never trusted half-written (it is written to a temporary
file and renamed). The lists are public words, never data.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from functools import cache
from importlib.metadata import version
from pathlib import Path

DERIVING_MODULES = ("value_vocabulary.py", "word_list_cache.py")


def cache_folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "anonymization_pipeline"


@cache
def _derivation() -> str:
    """Faker's version and a digest of the code that derives the lists: either changing makes a new file."""
    source = b"".join(Path(__file__).with_name(name).read_bytes() for name in DERIVING_MODULES)
    return f"faker{version('faker')}-{hashlib.sha256(source).hexdigest()[:16]}"


def cached_words(name: str, build: Callable[[], frozenset[str]]) -> frozenset[str]:
    """The word list `name`, read from the cache, or built and stored there."""
    path = cache_folder() / f"{name}-{_derivation()}.json"
    try:
        return frozenset(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        pass
    words = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp") as handle:
            try:
                json.dump(sorted(words), handle)
            except BaseException:
                os.unlink(handle.name)
                raise
        os.replace(handle.name, path)
    except OSError:
        pass
    return words
