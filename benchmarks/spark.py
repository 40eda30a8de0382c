"""The Spark engine at scale: 8 quasi-identifiers, k = 10, 4 % suppression, plus protection operators.

Generates a table in Spark (hash-derived columns, so any size without the driver holding it),
writes it as Parquet, then measures the whole call a user makes (`core.spark.run_spark`: read,
protect, search, recode, protect, assess, check, publish atomically) at two sizes, each in its
own process: wall time, per-stage seconds, distinct tuples, and the peak memory of the driver
(the Python process that holds the histogram and runs the search; Spark's executors work in
their own processes). Baseline in the same run: the pandas engine (`anonymize()` plus reading and
writing the same Parquet) at the largest size it is given. Driver memory should follow the
distinct tuples (here bounded: about 320,000 combinations of quasi-identifiers, 3.8 million with
the diagnosis) and the published classes, not the rows.

    .venv/bin/python benchmarks/spark.py                     # Spark at 250,000 and 1,000,000 rows; pandas at 250,000
    .venv/bin/python benchmarks/spark.py --rows 10000000 --small-rows 5000000 --pandas-rows 2500000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CARDINALITIES = {"zipcode": 10, "sex": 2, "education": 4, "marital": 3, "race": 2, "country": 3, "occupation": 3}
CORES = 2
FIELDS = {
    "user_id": {"class": "direct_identifier", "method": "pseudonymize", "params": {"prefix": "u_"}},
    "email": {"class": "direct_identifier", "method": "mask", "params": {"preset": "email"}},
    "age": {"class": "quasi_identifier", "hierarchy": {"intervals": [0, 20, 30, 40, 50, 60, 70, 80, 120]}},
    **{name: {"class": "quasi_identifier", "hierarchy": {"prefix": [2, 1, 0]}} for name in CARDINALITIES},
    "visit": {"class": "sensitive", "method": "date_shift", "params": {"entity": "user_id", "max_days": 30}},
    "diagnosis": {"class": "sensitive", "method": "keep"},
    "income": {"class": "non_sensitive", "method": "perturb", "params": {"scale": 500, "seed": 7, "decimals": 0}},
}


def policy_document(source: Path, output: Path) -> dict:
    return {
        "version": 1,
        "dataset": {"name": "bench", "input": {"format": "parquet", "path": str(source)}, "output": {"format": "parquet", "path": str(output)}},
        "fields": FIELDS,
        "privacy": {"k": 10, "max_suppression": 0.04, "metric": "loss"},
    }


def generate(spark, rows: int, path: Path) -> None:
    """`rows` people from `spark.range`: every column a hash of the row id, nothing on the driver."""
    from pyspark.sql import functions as F

    def pick(salt: int, cardinality: int):
        return F.abs(F.xxhash64(F.col("id"), F.lit(salt))) % cardinality

    columns = [
        F.concat(F.lit("U"), F.col("id").cast("string")).alias("user_id"),
        F.concat(F.lit("user"), F.col("id").cast("string"), F.lit("@example.org")).alias("email"),
        (F.lit(17) + pick(1, 74)).alias("age"),
    ]
    for salt, (name, cardinality) in enumerate(CARDINALITIES.items(), start=2):
        columns.append(F.concat(F.lit(name[:1]), F.lpad(pick(salt, cardinality).cast("string"), 2, "0")).alias(name))
    columns += [
        F.date_format(F.date_add(F.lit("2024-01-01").cast("date"), pick(20, 365).cast("int")), "yyyy-MM-dd").alias("visit"),
        F.concat(F.lit("d"), pick(21, 12).cast("string")).alias("diagnosis"),
        (F.lit(20000) + pick(22, 80000)).alias("income"),
    ]
    spark.range(rows).select(*columns).write.mode("overwrite").parquet(str(path))


def _settings() -> dict[str, str]:
    return {"spark.sql.shuffle.partitions": "8", "spark.ui.enabled": "false", "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1", "spark.driver.memory": "3g"}


def worker_spark(source: Path, rows: int) -> dict:
    from anonymization_pipeline.core.keys import KeyProvider
    from anonymization_pipeline.core.policy import validate_policy
    from anonymization_pipeline.core.spark import run_spark, spark_session

    spark = spark_session(f"local[{CORES}]", _settings())
    policy = validate_policy(policy_document(source, source.parent / f"spark-out-{rows}.parquet"))
    keys = KeyProvider.from_keys({"default": bytes(range(32))})
    jvm = _JvmPeak()
    started = time.perf_counter()
    report = run_spark(spark, policy, policy.dataset.input, policy.dataset.output, source.parent / f"report-{rows}", keys)
    seconds = time.perf_counter() - started
    jvm.stop()
    privacy = report["privacy"]
    return {
        "engine": "spark", "rows": rows, "seconds": round(seconds, 1), "timings": report["timings"],
        "search_seconds": privacy["search_seconds"], "transformation": privacy["transformation"],
        "suppressed_rows": privacy["suppressed_rows"], "information_loss": privacy["information_loss"],
        "equivalence_classes": privacy["equivalence_classes"], "distinct_tuples": _distinct(spark, source),
        "driver_peak_mb": _peak_mb(), "jvm_peak_mb": jvm.peak_mb,
    }


def worker_pandas(source: Path, rows: int) -> dict:
    import pyarrow.parquet as pq

    from anonymization_pipeline.core.io import parse_location, write_table
    from anonymization_pipeline.core.keys import KeyProvider
    from anonymization_pipeline.core.pipeline.run import anonymize
    from anonymization_pipeline.core.policy import validate_policy

    policy = validate_policy(policy_document(source, source.parent / "pandas-out.parquet"))
    keys = KeyProvider.from_keys({"default": bytes(range(32))})
    started = time.perf_counter()
    frame = pq.read_table(source).to_pandas()
    result = anonymize(frame, policy, keys)
    write_table(result.data, parse_location(str(source.parent / "pandas-out.parquet")))
    seconds = time.perf_counter() - started
    privacy = result.report["privacy"]
    return {
        "engine": "pandas", "rows": rows, "seconds": round(seconds, 1), "timings": result.report["timings"],
        "search_seconds": privacy["search_seconds"], "transformation": privacy["transformation"],
        "suppressed_rows": privacy["suppressed_rows"], "information_loss": privacy["information_loss"],
        "equivalence_classes": privacy["equivalence_classes"], "driver_peak_mb": _peak_mb(),
    }


def _distinct(spark, source: Path) -> int:
    return spark.read.parquet(str(source)).select("age", *CARDINALITIES, "diagnosis").distinct().count()


def _peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


class _JvmPeak:
    """The peak resident memory of this process's JVM child (local mode: driver and executors)."""

    def __init__(self):
        self.peak_mb = 0
        self._running = True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while self._running:
            for pid in _children(os.getpid()):
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                if "java" in Path(f"/proc/{pid}/comm").read_text():
                    rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
                    self.peak_mb = max(self.peak_mb, rss // 1024)
            time.sleep(0.5)

    def stop(self) -> None:
        self._running = False
        self._thread.join()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path(f"/proc/{pid}/task").iterdir():
        children = (entry / "children").read_text().split()
        found += [int(child) for child in children]
    return found


def run_worker(engine: str, source: Path, rows: int) -> dict:
    command = [sys.executable, __file__, "--worker", engine, "--source", str(source), "--rows", str(rows)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{engine} at {rows:,} rows failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def projection(small: dict, large: dict) -> list[str]:
    """Per-row and per-tuple costs from two measured sizes, projected to 1,000,000,000 rows."""
    rows_delta = large["rows"] - small["rows"]
    per_row = {stage: (large["timings"][stage] - small["timings"].get(stage, 0.0)) / rows_delta * CORES for stage in large["timings"]}
    write = (large["seconds"] - sum(large["timings"].values()) - (small["seconds"] - sum(small["timings"].values()))) / rows_delta * CORES
    lines = ["core-seconds per million rows (slope between the two sizes, this machine's cores):"]
    lines += [f"  {stage:<32}{cost * 1e6:8.1f}" for stage, cost in per_row.items()]
    lines.append(f"  {'read + write (rest of the call)':<32}{write * 1e6:8.1f}")
    total = (sum(per_row.values()) + write) * 1e9
    for cores in (200, 800):
        lines.append(f"1,000,000,000 rows on {cores} cores: about {total / cores / 60:.0f} min of row work, plus the driver's "
                     f"search ({large['search_seconds']:.1f} s at {large['distinct_tuples']:,} distinct tuples, unchanged while they are)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="the larger Spark size")
    parser.add_argument("--small-rows", type=int, help="the smaller Spark size (default: a quarter of --rows)")
    parser.add_argument("--pandas-rows", type=int, default=250_000, help="the pandas engine's size")
    parser.add_argument("--worker", choices=["spark", "pandas"], help=argparse.SUPPRESS)
    parser.add_argument("--source", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        measure = worker_spark if args.worker == "spark" else worker_pandas
        print(json.dumps(measure(args.source, args.rows)))
        return

    from anonymization_pipeline.core.spark import spark_session

    small_rows = args.small_rows or args.rows // 4
    with tempfile.TemporaryDirectory() as folder:
        spark = spark_session(f"local[{CORES}]", _settings())
        sources = {}
        for rows in sorted({small_rows, args.rows, args.pandas_rows}):
            sources[rows] = Path(folder) / f"in-{rows}" / "table.parquet"
            generate(spark, rows, sources[rows])
        spark.stop()
        results = [run_worker("spark", sources[rows], rows) for rows in sorted({small_rows, args.rows})]
        results.append(run_worker("pandas", sources[args.pandas_rows], args.pandas_rows))
    print(f"{'engine':<8}{'rows':>12}{'seconds':>9}{'search s':>9}{'tuples':>9}{'classes':>9}{'driver MB':>10}{'JVM MB':>8}  transformation, suppressed, loss")
    for r in results:
        print(f"{r['engine']:<8}{r['rows']:>12,}{r['seconds']:>9}{r['search_seconds']:>9.2f}{r.get('distinct_tuples', ''):>9}{r['equivalence_classes']:>9}"
              f"{r['driver_peak_mb']:>10}{r.get('jvm_peak_mb', ''):>8}  {list(r['transformation'].values())}, {r['suppressed_rows']:,}, {r['information_loss']:.6g}")
        print("          stages (s): " + ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in r["timings"].items()))
    spark_runs = [r for r in results if r["engine"] == "spark"]
    same_size = [r for r in spark_runs if r["rows"] == args.pandas_rows]
    if same_size:
        print(f"spark / pandas at {args.pandas_rows:,} rows: time {same_size[0]['seconds'] / results[-1]['seconds']:.2f}x, "
              f"driver memory {same_size[0]['driver_peak_mb'] / results[-1]['driver_peak_mb']:.2f}x")
    if len(spark_runs) == 2:
        print(f"driver memory, {spark_runs[1]['rows']:,} vs {spark_runs[0]['rows']:,} rows: "
              f"{spark_runs[1]['driver_peak_mb'] / spark_runs[0]['driver_peak_mb']:.2f}x for {spark_runs[1]['rows'] / spark_runs[0]['rows']:.1f}x the rows")
        print("\n".join(projection(*spark_runs)))
    print(f"load: {os.getloadavg()[0]:.2f} (1-min average; the CPU is shared)")


if __name__ == "__main__":
    main()
