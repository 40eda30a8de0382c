import datetime
import os

from anonymization_pipeline.orchestration.retention import purge_expired_days, purge_intermediates


def test_only_sealed_files_older_than_the_retention_are_removed(tmp_path):
    old, fresh, other = tmp_path / "a.parquet.sealed", tmp_path / "b.parquet.sealed", tmp_path / "c.json"
    for path in (old, fresh, other):
        path.write_bytes(b"x")
    os.utime(old, (1_000, 1_000))
    os.utime(fresh, (9_000, 9_000))
    os.utime(other, (1_000, 1_000))

    assert purge_intermediates(tmp_path, retention_seconds=5_000, now=10_000) == ["a.parquet.sealed"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.parquet.sealed", "c.json"]
    assert purge_intermediates(tmp_path, retention_seconds=0, now=10_000) == ["b.parquet.sealed"]


def test_daily_arrivals_are_kept_because_every_publish_unites_them_again(tmp_path):
    day = tmp_path / "daily_arrivals" / "2026-11-01.parquet.sealed"
    stage = tmp_path / "raw_records.parquet.sealed"
    day.parent.mkdir()
    for path in (day, stage):
        path.write_bytes(b"x")
        os.utime(path, (1_000, 1_000))

    assert purge_intermediates(tmp_path, retention_seconds=0, now=10_000, keep=["daily_arrivals"]) == [
        "raw_records.parquet.sealed"
    ]
    assert day.exists()


def test_every_stored_day_past_its_retention_is_deleted_even_outside_the_partitions(tmp_path):
    for day in ("2020-01-01", "2026-11-01", "2026-11-02"):
        (tmp_path / f"{day}.parquet.sealed").write_bytes(b"x")
    end_of_nov_1 = datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC).timestamp()

    assert purge_expired_days(tmp_path, retention_seconds=86_400, now=end_of_nov_1 + 86_400) == ["2020-01-01", "2026-11-01"]
    assert [path.name for path in tmp_path.iterdir()] == ["2026-11-02.parquet.sealed"]


def test_stale_run_folders_and_their_sealed_hand_offs_are_removed(tmp_path):
    stale = tmp_path / "runs" / "run-1" / "risk_assessment.json.sealed"
    fresh = tmp_path / "runs" / "run-2" / "raw_records.parquet.sealed"
    for path in (stale, fresh):
        path.parent.mkdir(parents=True)
        path.write_bytes(b"x")
    os.utime(stale, (1_000, 1_000))

    assert purge_intermediates(tmp_path, retention_seconds=5_000, now=10_000) == ["risk_assessment.json.sealed"]
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["run-2"]
