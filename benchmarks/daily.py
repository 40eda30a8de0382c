"""What reading by day costs: every publish unites every stored day again.

Stores D days of R generated users each through the real stage IO manager (sealed Parquet, one
file a day), then times loading all of them as `raw_records` does and uniting them with
`union_of_days`. Baseline, in the same run: the same rows as one sealed stage file, loaded whole
and given the same keyed content digest, which is what `raw_records` does for an input read whole.
No target was set; the figure to watch is the ratio, and the seconds a daily publish spends
before the privacy search starts.

    .venv/bin/python benchmarks/daily.py                   # 365 days of 2,000 users
    .venv/bin/python benchmarks/daily.py --days 30 --rows 30000
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import tempfile
import time
from pathlib import Path

import dagster as dg

from anonymization_pipeline.core.datasets import generate_users
from anonymization_pipeline.core.io import parse_location
from anonymization_pipeline.core.keys import encode_key_material
from anonymization_pipeline.core.pipeline import StageOutput, stages
from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.orchestration.io_managers import StageParquetIOManager
from anonymization_pipeline.orchestration.resources import KeysResource

REPO = Path(__file__).resolve().parents[1]
START = datetime.date(2025, 1, 1)


def store_days(manager: StageParquetIOManager, policy: Policy, days: list[str], rows: int) -> int:
    """Each day's share of generated users, stored as `daily_arrivals` would store it."""
    users = generate_users(rows * len(days), seed=3)
    location = policy.dataset.input
    for number, day in enumerate(days):
        share = users.iloc[number * rows : (number + 1) * rows].reset_index(drop=True)
        source = str(location.path).replace("{date}", day)
        records = stages.ingest(share, policy, f"CSV file {source}")
        manager.handle_output(dg.build_output_context(asset_key="daily_arrivals", partition_key=day), records)
    return len(users)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rows", type=int, default=2000, help="users a day")
    args = parser.parse_args()

    os.environ["ANONYMIZER_KEY_STORAGE"] = encode_key_material(os.urandom(32))
    policy = Policy.from_yaml(REPO / "examples" / "daily" / "policy.yaml")
    location = parse_location(str(Path(tempfile.gettempdir()) / "users_{date}.csv"))
    policy = policy.model_copy(update={"dataset": policy.dataset.model_copy(update={"input": location})})
    partitions = dg.DailyPartitionsDefinition(
        start_date=START.isoformat(), end_date=(START + datetime.timedelta(days=args.days)).isoformat()
    )
    days = partitions.get_partition_keys()
    with tempfile.TemporaryDirectory() as storage:
        manager = StageParquetIOManager(base_dir=storage, dataset=policy.dataset.name, key_store=KeysResource())
        total = store_days(manager, policy, days, args.rows)
        reading = dg.build_input_context(
            asset_key="daily_arrivals",
            asset_partitions_def=partitions,
            asset_partition_key_range=dg.PartitionKeyRange(days[0], days[-1]),
        )
        started = time.perf_counter()
        stored = manager.load_input(reading)
        loaded = time.perf_counter()
        united = stages.union_of_days(stored, policy, location, fingerprint_key=os.urandom(32))
        finished = time.perf_counter()

        whole = stages.ingest(united.frame, policy, "one file")
        manager.handle_output(dg.build_output_context(asset_key="raw_records", run_id="baseline"), StageOutput(whole.frame, whole.audits))
        baseline_started = time.perf_counter()
        one_file = manager.load_input(dg.build_input_context(asset_key="raw_records"))
        stages.ingest(one_file.frame, policy, "one file", os.urandom(32))
        baseline = time.perf_counter() - baseline_started
        on_disk = sum(path.stat().st_size for path in (Path(storage) / "daily_arrivals").iterdir())

    assert len(united.frame) == total
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.days} days of {args.rows} users ({total:,} rows, {on_disk / 2**20:.0f} MiB sealed on disk)")
    figures = {
        "load every day (unseal, Parquet)": f"{loaded - started:.2f} s",
        "unite them (checks, concat, keyed digest)": f"{finished - loaded:.2f} s",
        "by day, together": f"{finished - started:.2f} s",
        "baseline: one file, loaded and digested": f"{baseline:.2f} s",
        "ratio by day / one file": f"{(finished - started) / baseline:.1f}x",
        "peak RSS": f"{peak:.0f} MiB",
    }
    for label, figure in figures.items():
        print(f"  {label:<44}{figure:>10}")

if __name__ == "__main__":
    main()
