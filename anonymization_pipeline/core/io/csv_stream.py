"""The bytes pyarrow's CSV reader is fed: UTF-8, and never cut between a CR and its LF.

pyarrow's CSV reader (up to at least 26) silently drops the LF of a CRLF inside a quoted value
when a block boundary falls between the CR and the LF (apache/arrow#51368). Such values are
normal in exports of free-text fields, and losing a byte of a value without any error is not
acceptable for data that must be traceable, so every read handed to pyarrow is cut one byte
earlier when it would end on that CR. Decoding other encodings to UTF-8 here, rather than in
pyarrow, keeps that guarantee for them too, since pyarrow then sees exactly these reads.
"""

from __future__ import annotations

import codecs
import io
from pathlib import Path

_CR, _LF = 0x0D, 0x0A


class CsvByteStream(io.RawIOBase):
    """A read-only file of UTF-8 bytes whose reads never end on a CR followed by an LF.

    >>> with CsvByteStream(Path("latin.csv"), "iso8859-1") as stream:  # doctest: +SKIP
    ...     stream.read(1 << 20)
    """

    def __init__(self, path: Path, encoding: str):
        super().__init__()
        self._file = path.open("rb")
        self._decoder = None if encoding == "utf-8" else codecs.getincrementaldecoder(encoding)()
        self._pending = bytearray()
        self._exhausted = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = 1 << 22
        while len(self._pending) <= size and not self._exhausted:
            self._pending += self._next_utf8(size)
        cut = min(size, len(self._pending))
        if 1 < cut < len(self._pending) and self._pending[cut - 1] == _CR and self._pending[cut] == _LF:
            cut -= 1
        chunk = bytes(self._pending[:cut])
        del self._pending[:cut]
        return chunk

    def close(self) -> None:
        self._file.close()
        super().close()

    def _next_utf8(self, size: int) -> bytes:
        raw = self._file.read(size)
        self._exhausted = not raw
        if self._decoder is None:
            return raw
        return self._decoder.decode(raw, final=self._exhausted).encode("utf-8")


SNIFFED_BYTES = 1 << 16


def check_decodable(path: Path, encoding: str) -> None:
    """Raise UnicodeDecodeError when the file's first 64 KiB are not text in `encoding`.

    A binary file fed to pyarrow's CSV parser makes it decode invalid rows itself, and its
    failure surfaces as an "Exception ignored" traceback on the terminal; so it is refused first.
    """
    with path.open("rb") as handle:
        head = handle.read(SNIFFED_BYTES)
    codecs.getincrementaldecoder(encoding)().decode(head, final=False)
