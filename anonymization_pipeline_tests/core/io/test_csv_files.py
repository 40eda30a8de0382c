import string
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anonymization_pipeline.core.errors import ConfigurationError, InputDataError, OutputError
from anonymization_pipeline.core.io import iter_batches, parse_location, read_table, write_table
from anonymization_pipeline.core.io import csv_files
from anonymization_pipeline.core.policy.model import CsvLocation

NA = None

# `;`-separated with CRLF line ends, quoted fields holding the delimiter, quotes and a line break,
# non-ASCII text, leading zeros and empty cells.
PEOPLE_BYTES = (
    "id;name;zip;note\r\n"
    '001;"Müller; Hans";01234;"said ""hi""\r\nthen left"\r\n'
    "002;Zoë;00501;\r\n"
    '003;"Ng, Li";;"a|b\tc"\r\n'
).encode("utf-8")

PEOPLE = pd.DataFrame(
    {
        "id": ["001", "002", "003"],
        "name": ["Müller; Hans", "Zoë", "Ng, Li"],
        "zip": ["01234", "00501", NA],
        "note": ['said "hi"\r\nthen left', NA, "a|b\tc"],
    },
    dtype="str",
)


def test_reads_every_column_as_str_keeping_leading_zeros_quotes_and_line_breaks(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(PEOPLE_BYTES)
    pd.testing.assert_frame_equal(read_table(parse_location(str(path))), PEOPLE)


def test_round_trip_writes_rfc_4180_and_reads_back_the_same_frame(tmp_path):
    location = CsvLocation(format="csv", path=tmp_path / "out" / "people.csv", delimiter=";")
    write_table(PEOPLE, location)
    assert location.path.read_bytes() == (
        "id;name;zip;note\r\n"
        '001;"Müller; Hans";01234;"said ""hi""\r\nthen left"\r\n'
        "002;Zoë;00501;\r\n"
        "003;Ng, Li;;a|b\tc\r\n"
    ).encode("utf-8")
    pd.testing.assert_frame_equal(read_table(location), PEOPLE)


def test_round_trip_in_another_encoding_with_another_quote_character(tmp_path):
    location = CsvLocation(format="csv", path=tmp_path / "latin.csv", encoding="latin-1", quotechar="'")
    frame = pd.DataFrame({"name": ["Zoë, 'Z'", "Jürgen"], "zip": ["0042", "9"]}, dtype="str")
    write_table(frame, location)
    assert location.path.read_bytes() == "name,zip\r\n'Zoë, ''Z''',0042\r\nJürgen,9\r\n".encode("latin-1")
    pd.testing.assert_frame_equal(read_table(location), frame)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_detected_when_not_given(tmp_path, delimiter):
    path = tmp_path / "data.csv"
    path.write_text(f'zip{delimiter}city\n01234{delimiter}"A, B; C|D"\n00501{delimiter}E\n', encoding="utf-8")
    expected = pd.DataFrame({"zip": ["01234", "00501"], "city": ["A, B; C|D", "E"]}, dtype="str")
    pd.testing.assert_frame_equal(read_table(parse_location(str(path))), expected)


def test_an_explicit_delimiter_is_not_second_guessed(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a;b\n1;2\n")
    frame = read_table(CsvLocation(format="csv", path=path, delimiter=","))
    assert list(frame.columns) == ["a;b"]


def test_a_last_value_ending_in_quotes_and_a_line_break_is_not_an_open_quote(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b'a,b\n1,"x"""\n3,"4""\n"""')
    assert read_table(parse_location(str(path)))["b"].tolist() == ['x"', '4"\n"']


def test_only_truly_empty_cells_are_missing_and_a_byte_order_mark_is_not_data(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b'\xef\xbb\xbfa,b,c,d\nNA,null,,""\n')
    frame = read_table(parse_location(str(path)))
    assert list(frame.columns) == ["a", "b", "c", "d"]
    assert frame.iloc[0].tolist()[:2] == ["NA", "null"]
    assert frame[["c", "d"]].isna().all(axis=None)


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_batches_cross_csv_blocks_and_match_a_full_read(tmp_path, monkeypatch, encoding):
    # Small blocks put block boundaries inside quoted values, some between a CR and its LF
    # (pyarrow alone drops that LF: apache/arrow#51368).
    monkeypatch.setattr(csv_files, "_BLOCK_BYTES", 1024)
    frame = pd.DataFrame(
        {"id": [f"{i:05d}" for i in range(2_500)], "text": [f"lïne {i};\r\n\"quoted\"" for i in range(2_500)]},
        dtype="str",
    )
    location = CsvLocation(format="csv", path=tmp_path / "big.csv", encoding=encoding)
    write_table(frame, location)
    batches = list(iter_batches(location, 1_000))
    assert [len(batch) for batch in batches] == [1_000, 1_000, 500]
    assert all(batch.index.equals(pd.RangeIndex(len(batch))) for batch in batches)
    pd.testing.assert_frame_equal(pd.concat(batches, ignore_index=True), frame)
    pd.testing.assert_frame_equal(read_table(location), frame)


cell_text = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=12)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.tuples(st.one_of(st.none(), cell_text), st.one_of(st.none(), cell_text)), min_size=1, max_size=20),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    names=st.lists(st.text(string.ascii_lowercase, min_size=1, max_size=6), min_size=2, max_size=2, unique=True),
)
def test_any_text_survives_a_round_trip(tmp_path, rows, delimiter, names):
    frame = pd.DataFrame(rows, columns=names, dtype="str")
    location = CsvLocation(format="csv", path=tmp_path / "any.csv", delimiter=delimiter)
    write_table(frame, location)
    pd.testing.assert_frame_equal(read_table(location), frame)


def _error(path: Path, content: bytes | None = None, **settings) -> str:
    if content is not None:
        path.write_bytes(content)
    location = CsvLocation(format="csv", path=path, **settings) if settings else parse_location(str(path))
    with pytest.raises((InputDataError, ConfigurationError)) as caught:
        read_table(location)
    return str(caught.value)


def test_bad_inputs_give_one_line_without_data(tmp_path):
    p = tmp_path
    assert _error(p / "missing.csv") == f"CSV file not found: {p}/missing.csv"
    (p / "folder.csv").mkdir()
    assert _error(p / "folder.csv") == f"CSV path is a folder, not a file: {p}/folder.csv"
    assert _error(p / "empty.csv", b"") == f"CSV file {p}/empty.csv has no rows"
    assert _error(p / "header.csv", b"a,b\r\n") == f"CSV file {p}/header.csv has no rows"
    assert _error(p / "ragged.csv", b'a,b,c\n1,2,3\n"sec\nret",5\n6,7,8\n') == (
        f"malformed CSV file {p}/ragged.csv: line 3 has 2 fields, the header has 3 (delimiter ',')"
    )
    assert _error(p / "long.csv", b"a;b\n1;2\nsecret;x;y\n") == (
        f"malformed CSV file {p}/long.csv: line 3 has 3 fields, the header has 2 (delimiter ';')"
    )
    assert _error(p / "image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10") == (
        f"cannot decode CSV file {p}/image.csv as utf-8; set 'encoding' to the file's encoding (e.g. latin-1)"
    )
    assert _error(p / "latin.csv", "a,b\nsecrét,1\n".encode("latin-1")) == (
        f"cannot decode CSV file {p}/latin.csv as utf-8; set 'encoding' to the file's encoding (e.g. latin-1)"
    )
    assert _error(p / "open.csv", b'a,b\r\n1,"secret\r\n3,""4""\r\n') == (
        f"malformed CSV file {p}/open.csv: the quote opened on line 2 is never closed (quote character '\"')"
    )
    assert _error(p / "dup.csv", b"a,b,a\n1,2,3\n") == f"CSV file {p}/dup.csv has duplicate column names: a"
    assert _error(p / "latin.csv", encoding="no-such-codec") == (
        f"unknown encoding 'no-such-codec' for CSV file {p}/latin.csv"
    )


def test_a_value_the_encoding_cannot_hold_is_an_output_error(tmp_path):
    location = CsvLocation(format="csv", path=tmp_path / "out.csv", encoding="ascii")
    with pytest.raises(OutputError) as caught:
        write_table(pd.DataFrame({"name": ["Zoë"]}), location)
    assert str(caught.value) == (
        f"cannot write CSV file {location.path}: a value cannot be encoded as ascii; "
        "set 'encoding' to one that can hold it (e.g. utf-8)"
    )
    assert list(tmp_path.iterdir()) == []
