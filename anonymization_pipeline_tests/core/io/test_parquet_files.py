import datetime

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from anonymization_pipeline.core.errors import InputDataError, OutputError
from anonymization_pipeline.core.io import iter_batches, parse_location, read_table, write_table
from anonymization_pipeline.core.policy.model import ParquetLocation

TYPED = pd.DataFrame(
    {
        "zip": pd.Series(["01234", None, "00501"], dtype="str"),
        "age": pd.Series([34, 51, 7], dtype="int64"),
        "visits": pd.Series([3, None, 1], dtype="Int64"),
        "income": [52_000.5, None, 0.0],
        "consent": pd.Series([True, None, False], dtype="boolean"),
        "seen": pd.to_datetime(["2024-01-31 12:00", None, "1999-12-31"], format="ISO8601"),
    }
)


def test_round_trip_keeps_pandas_dtypes_and_values(tmp_path):
    location = parse_location(str(tmp_path / "out" / "typed.parquet"))
    write_table(TYPED, location)
    pd.testing.assert_frame_equal(read_table(location), TYPED)


def test_files_from_other_tools_get_nullable_integers_and_a_fresh_index(tmp_path):
    path = tmp_path / "spark.parquet"
    pq.write_table(pa.table({"n": pa.array([1, None], pa.int32()), "d": [datetime.date(2024, 1, 2), None]}), path)
    frame = read_table(parse_location(str(path)))
    assert frame["n"].dtype == pd.Int32Dtype() and frame["n"].tolist() == [1, pd.NA]
    assert frame["d"].tolist()[0] == datetime.date(2024, 1, 2)
    indexed = pd.DataFrame({"v": [1, 2]}, index=pd.Index(["a", "b"], name="key"))
    indexed.to_parquet(tmp_path / "indexed.parquet")
    assert read_table(parse_location(str(tmp_path / "indexed.parquet"))).to_dict("list") == {"key": ["a", "b"], "v": [1, 2]}


def test_batches_cross_row_groups_and_match_a_full_read(tmp_path):
    frame = pd.DataFrame({"id": range(2_500), "zip": [f"{i:05d}" for i in range(2_500)]})
    path = tmp_path / "groups.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=700)
    location = ParquetLocation(format="parquet", path=path)
    batches = list(iter_batches(location, 1_000))
    assert [len(batch) for batch in batches] == [1_000, 1_000, 500]
    assert all(batch.index.equals(pd.RangeIndex(len(batch))) for batch in batches)
    pd.testing.assert_frame_equal(pd.concat(batches, ignore_index=True), frame)
    pd.testing.assert_frame_equal(read_table(location), frame)


def test_bad_inputs_give_one_line(tmp_path):
    def error(name: str, content: bytes | None = None) -> str:
        if content is not None:
            (tmp_path / name).write_bytes(content)
        with pytest.raises(InputDataError) as caught:
            read_table(parse_location(str(tmp_path / name)))
        return str(caught.value)

    assert error("missing.parquet") == f"Parquet file not found: {tmp_path}/missing.parquet"
    unreadable = "not a readable Parquet file (corrupted, truncated or another format): "
    assert error("garbage.parquet", b"PAR1\x00\xffsecret") == unreadable + f"{tmp_path}/garbage.parquet"
    whole = tmp_path / "whole.parquet"
    pq.write_table(pa.table({"a": list(range(10_000))}), whole)
    assert error("truncated.parquet", whole.read_bytes()[:-100]) == unreadable + f"{tmp_path}/truncated.parquet"
    pq.write_table(pa.table({"a": pa.array([], pa.string())}), tmp_path / "empty.parquet")
    assert error("empty.parquet") == f"Parquet file {tmp_path}/empty.parquet has no rows"


def test_a_column_parquet_cannot_store_is_named(tmp_path):
    location = ParquetLocation(format="parquet", path=tmp_path / "mixed.parquet")
    with pytest.raises(OutputError) as caught:
        write_table(pd.DataFrame({"ok": [1, 2], "mixed": pd.Series([1, "secret"], dtype=object)}), location)
    assert str(caught.value) == (
        f"cannot write Parquet file {location.path}: column 'mixed' mixes value types or holds values Parquet cannot store"
    )
    assert list(tmp_path.iterdir()) == []
