"""The Spark leak check alone at two sizes: does the driver's memory stay flat as rows grow?

Each size runs in its own process: the table of `spark.generate` (a unique user id and e-mail per
row), a published copy (ids pseudonymized, e-mail local parts kept in a note for a few rows, a
16-digit reference per row), then `raw_identifier_matches` on it. Printed per size: seconds, the
driver's (Python) peak resident memory and the findings. The raw identifiers are unique, so
anything the driver holds per raw value grows with the rows; bounded aggregates do not.

    .venv/bin/python benchmarks/spark_leaks.py                       # 500,000 and 2,000,000 rows
    .venv/bin/python benchmarks/spark_leaks.py --rows 500000 4000000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from spark import CORES, _peak_mb, _settings, generate

IDENTIFIERS = ["user_id", "email"]


def worker(source: Path, rows: int) -> dict:
    from pyspark.sql import functions as F

    from anonymization_pipeline.core.spark import spark_session
    from anonymization_pipeline.core.spark.leaks import raw_identifier_matches

    spark = spark_session(f"local[{CORES}]", _settings())
    generate(spark, rows, source)
    raw = spark.read.parquet(str(source))
    published = raw.withColumn("id_hash", F.xxhash64("user_id")).select(
        F.concat(F.lit("u_"), F.substring(F.sha2("user_id", 256), 1, 16)).alias("user_id"),
        F.when(F.col("id_hash") % 1000 == 0, F.concat(F.lit("wrote "), F.substring_index("email", "@", 1))).otherwise("n/a").alias("note"),
        F.lpad((F.abs(F.col("id_hash")) % 10**16).cast("string"), 16, "0").alias("reference"),
    )
    started = time.perf_counter()
    found = raw_identifier_matches(raw, IDENTIFIERS, published)
    seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": round(seconds, 1), "driver_peak_mb": _peak_mb(),
            "findings": {name: counts["rows_with_findings"] for name, counts in found.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs=2, default=[500_000, 2_000_000])
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--source", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.source, args.worker)))
        return
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            command = [sys.executable, __file__, "--worker", str(rows), "--source", str(Path(folder) / f"users-{rows}.parquet")]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode:
                raise SystemExit(f"{rows:,} rows failed:\n{done.stderr[-3000:]}")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"rows {result['rows']:>10,}: leak check {result['seconds']:6.1f} s, driver peak {result['driver_peak_mb']:,} MB, findings {result['findings']}")


if __name__ == "__main__":
    main()
