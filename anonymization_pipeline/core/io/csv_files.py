"""Reading and writing CSV files.

Every column is read as pandas `str`: identifiers such as ZIP codes, phone numbers or account
numbers keep their leading zeros, and nothing is silently turned into a float or a date. Only a
truly empty cell (`a,,b` or `a,"",b`) is missing (NA); the text `NA`, `null` or `n/a` stays text.
Typing the columns is the policy's job (hierarchies, operators), not the reader's.

Files are streamed with pyarrow's CSV reader, so quoted fields may hold delimiters, quotes and
line breaks, CRLF line ends and a UTF-8 byte-order mark are handled, and memory stays bounded.
Rows with the wrong number of fields and quotes never closed are errors naming the line, never
values padded or merged.
Written files use RFC 4180 conventions: CRLF line ends, quotes only where needed, NA as an empty
cell, no index column.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from anonymization_pipeline.core.errors import ConfigurationError, InputDataError, OutputError
from anonymization_pipeline.core.io.arrow_batches import arrow_to_frame, rebatch
from anonymization_pipeline.core.io.atomic_files import atomic_output
from anonymization_pipeline.core.io.csv_dialect import sniff_delimiter
from anonymization_pipeline.core.io.csv_stream import CsvByteStream, check_decodable
from anonymization_pipeline.core.io.input_files import require_input_file
from anonymization_pipeline.core.policy.model import CsvLocation

_BLOCK_BYTES = 4 * 1024 * 1024
T = TypeVar("T")


def iter_csv_batches(location: CsvLocation, batch_size: int) -> Iterator[pd.DataFrame]:
    """Frames of `batch_size` rows, all columns `str`; the delimiter is detected unless set.

    >>> next(iter_csv_batches(CsvLocation(format="csv", path="zips.csv"), 10))["zip"][0]  # doctest: +SKIP
    '01234'
    """
    path = require_input_file(location.path, "CSV")
    encoding = _encoding(location)
    if path.stat().st_size == 0:
        return iter(())
    delimiter = location.delimiter if "delimiter" in location.model_fields_set else sniff_delimiter(
        path, encoding, location.quotechar
    )
    return _CsvStream(path, encoding, delimiter, location.quotechar).batches(batch_size)


def write_csv(frame: pd.DataFrame, location: CsvLocation) -> None:
    """Write atomically with the location's delimiter, quote character and encoding.

    >>> write_csv(pd.DataFrame({"zip": ["01234"]}), CsvLocation(format="csv", path="/tmp/z.csv"))  # doctest: +SKIP
    """
    encoding = _encoding(location)
    try:
        with atomic_output(location.path) as temporary:
            frame.to_csv(
                temporary,
                sep=location.delimiter,
                quotechar=location.quotechar,
                encoding=encoding,
                index=False,
                lineterminator="\r\n",
            )
    except UnicodeEncodeError:
        raise OutputError(
            f"cannot write CSV file {location.path}: a value cannot be encoded as {encoding}; "
            "set 'encoding' to one that can hold it (e.g. utf-8)"
        ) from None


def _encoding(location: CsvLocation) -> str:
    try:
        return codecs.lookup(location.encoding).name
    except LookupError:
        raise ConfigurationError(f"unknown encoding '{location.encoding}' for CSV file {location.path}") from None


class _CsvStream:
    """One CSV file read with fixed options; turns pyarrow's errors into ours."""

    def __init__(self, path: Path, encoding: str, delimiter: str, quotechar: str):
        self.path = path
        self.encoding = encoding
        self.delimiter = delimiter
        self.quotechar = quotechar
        self.first_invalid_row: pa_csv.InvalidRow | None = None

    def batches(self, batch_size: int) -> Iterator[pd.DataFrame]:
        self._guarded(lambda: check_decodable(self.path, self.encoding))
        names = self._guarded(self._header_names)
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise InputDataError(f"CSV file {self.path} has duplicate column names: {', '.join(duplicates)}")
        stream = self._guarded(lambda: CsvByteStream(self.path, self.encoding))
        try:
            reader = self._guarded(lambda: self._open(stream, names))
        except BaseException:
            stream.close()
            raise
        return self._frames(stream, reader, batch_size)

    def _frames(
        self, stream: CsvByteStream, reader: pa_csv.CSVStreamingReader, batch_size: int
    ) -> Iterator[pd.DataFrame]:
        with stream:
            tables = rebatch(reader, batch_size)
            last = None
            while (table := self._guarded(lambda: next(tables, None))) is not None:
                last = table
                yield arrow_to_frame(table)
        if last is not None and last.num_columns:
            self._reject_unclosed_quote(last.column(last.num_columns - 1)[-1].as_py())

    def _header_names(self) -> list[str]:
        with CsvByteStream(self.path, self.encoding) as stream:
            reader = self._open(stream, None)
            names = reader.schema.names
            reader.close()
        return names

    def _open(self, stream: CsvByteStream, names: list[str] | None) -> pa_csv.CSVStreamingReader:
        """Without `names`, only to learn the header; with them, every column as a string."""
        convert = pa_csv.ConvertOptions()
        if names is not None:
            convert = pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            )
        return pa_csv.open_csv(
            stream,
            read_options=pa_csv.ReadOptions(encoding="utf8", block_size=_BLOCK_BYTES),
            parse_options=pa_csv.ParseOptions(
                delimiter=self.delimiter,
                quote_char=self.quotechar,
                newlines_in_values=True,
                invalid_row_handler=self._remember_invalid_row,
            ),
            convert_options=convert,
        )

    def _remember_invalid_row(self, row: pa_csv.InvalidRow) -> str:
        if self.first_invalid_row is None:
            self.first_invalid_row = row
        return "error"

    def _guarded(self, step: Callable[[], T]) -> T:
        """Run one reading step; a library error becomes one line that quotes no cell."""
        try:
            return step()
        except (UnicodeError, pa.ArrowInvalid) as error:
            if isinstance(error, UnicodeError) or "UTF8" in str(error):
                raise InputDataError(
                    f"cannot decode CSV file {self.path} as {self.encoding}; "
                    "set 'encoding' to the file's encoding (e.g. latin-1)"
                ) from None
            raise InputDataError(self._parse_problem()) from None
        except OSError as error:
            raise InputDataError(f"cannot read CSV file {self.path}: {error.strerror or type(error).__name__}") from None

    def _reject_unclosed_quote(self, last_value: str | None) -> None:
        """pyarrow reads a quote left open in the last column as one value running to the end of
        the file, silently merging every later row into it. That value is recognisable: the file
        ends with the opening quote and the value (quotes doubled), with no closing quote."""
        if not last_value:
            return
        raw = (self.quotechar + last_value.replace(self.quotechar, self.quotechar * 2)).encode(self.encoding)
        size = self.path.stat().st_size
        if size < len(raw):
            return
        with self.path.open("rb") as handle:
            handle.seek(size - len(raw))
            if handle.read() != raw:
                return
            handle.seek(0)
            line = _count_line_feeds(handle, size - len(raw)) + 1
        raise InputDataError(
            f"malformed CSV file {self.path}: the quote opened on line {line} is never closed "
            f"(quote character '{self.quotechar}')"
        )

    def _parse_problem(self) -> str:
        shown = "tab" if self.delimiter == "\t" else f"'{self.delimiter}'"
        row = self.first_invalid_row
        if row is None:
            return (
                f"malformed CSV file {self.path}: cannot be parsed with delimiter {shown} "
                f"and quote character '{self.quotechar}'"
            )
        line = _line_of_first_ragged_record(self.path, self.encoding, self.delimiter, self.quotechar)
        where = f"line {line}" if line is not None else "a row"
        return (
            f"malformed CSV file {self.path}: {where} has {row.actual_columns} fields, "
            f"the header has {row.expected_columns} (delimiter {shown})"
        )


def _count_line_feeds(handle, limit: int) -> int:
    """Line feeds in the first `limit` bytes of an open binary file, counted block by block in C."""
    count = 0
    while limit > 0 and (block := handle.read(min(limit, _BLOCK_BYTES))):
        count += block.count(b"\n")
        limit -= len(block)
    return count


def _line_of_first_ragged_record(path: Path, encoding: str, delimiter: str, quotechar: str) -> int | None:
    """The line where the first record with the wrong number of fields starts; pyarrow does not say.

    Runs only after pyarrow has rejected the file, so a plain Python scan is affordable here.
    """
    with path.open(encoding=encoding, newline="", errors="replace") as handle:
        reader = csv.reader(handle, delimiter=delimiter, quotechar=quotechar)
        header = next(reader, [])
        previous_end = reader.line_num
        for record in reader:
            if record and len(record) != len(header):
                return previous_end + 1
            previous_end = reader.line_num
    return None
