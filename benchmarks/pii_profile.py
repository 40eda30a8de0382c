"""How fast and how well `anonymize profile` finds the personal data. Target: >= 1,000,000 cells/s.

Writes R generated users (15 columns: identifiers, quasi-identifiers, sensitive and other values)
to a CSV file, then times, in this process:
- the whole call a user makes, `anonymize profile users.csv --output policy.yaml`, with the default
  sample (1,000 values a column, read from the head of the file): cells of the table per second;
- the same profiling with every row sampled (`--sample R`): every cell is read, trimmed, checked for
  missing and counted for uniqueness; patterns and word lists are matched on at most 2,000 values a
  column spread over the sample (`column_profile.DETECTION_LIMIT`), and validating libraries on at
  most 48 of those (`value_formats.CHECKED_PER_COLUMN`);
- the baseline: reading the same file whole with the pipeline's reader, as `anonymize run` does.
Then the column-level macro F1 of the class on the project's labelled set (Faker in nine locales,
Adult, users; plain and obfuscated names), with the time it took.

Presidio's analyzer is not run beside it: it needs a spaCy language model (en_core_web_lg) that is
downloaded at install time, and model downloads are not possible on this machine.

    .venv/bin/python benchmarks/pii_profile.py                  # 200,000 rows
    .venv/bin/python benchmarks/pii_profile.py --rows 1000000
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from anonymization_pipeline.cli.main import main as anonymize
from anonymization_pipeline.core.datasets import generate_users
from anonymization_pipeline.core.datasets.labelled_columns import labelled_columns, macro_f1
from anonymization_pipeline.core.io import parse_location, read_table, write_table
from anonymization_pipeline.core.profiling import profile_column, profile_frame
from anonymization_pipeline.core.profiling.sampling import sample_column

TARGET_CELLS_PER_SECOND = 1_000_000


def timed(function, *args, **kwargs) -> tuple[float, float, object]:
    """Wall-clock and CPU seconds of one call, and its result. The CPU figure holds when other
    processes share the machine; the wall figure is what a user waits."""
    started, cpu_started = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, time.process_time() - cpu_started, result


def labelled_set_f1(seed: int) -> tuple[int, int, float, float]:
    columns = labelled_columns(seed)
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    predicted = [profile_column(sample_column(c.name, c.values, 1_000, rng)).field_class for c in columns]
    seconds = time.perf_counter() - started
    cells = sum(len(column.values) for column in columns)
    return len(columns), cells, seconds, macro_f1([column.label for column in columns], predicted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()

    users = generate_users(args.rows, args.seed)
    cells = users.size
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "users.csv"
        write_table(users, parse_location(str(csv)))
        anonymize(["profile", str(csv), "--sample", "50", "--output", str(Path(folder) / "warm.yaml")])
        whole_call, whole_cpu, code = timed(anonymize, ["profile", str(csv), "--output", str(Path(folder) / "policy.yaml")])
        assert code == 0
        baseline, baseline_cpu, frame = timed(read_table, parse_location(str(csv)))
    every_cell, every_cpu, profile = timed(profile_frame, frame, args.rows, 0)
    assert [column.field_class.value for column in profile.columns].count("direct_identifier") == 7
    columns, labelled_cells, labelled_seconds, f1 = labelled_set_f1(seed=11)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"{args.rows:,} users x {users.shape[1]} columns = {cells:,} cells in a CSV file")
    figures = {
        "anonymize profile (default sample), whole call": f"{whole_call:.2f} s",
        "  cells of the table per second": f"{cells / whole_call:,.0f}",
        "  the same in CPU seconds (other agents share the CPU)": f"{cells / whole_cpu:,.0f}",
        "profiling every row (--sample = rows)": f"{every_cell:.2f} s",
        "  cells sampled per second": f"{cells / every_cell:,.0f}",
        "  the same in CPU seconds": f"{cells / every_cpu:,.0f}",
        "baseline: read the file whole (as run does)": f"{baseline:.2f} s",
        "ratio whole call / reading the file": f"{whole_call / baseline:.2f}x",
        "ratio every cell / reading the file": f"{every_cell / baseline:.2f}x",
        f"labelled set: {columns} columns, {labelled_cells:,} cells": f"{labelled_seconds:.2f} s",
        "  macro F1 of the class": f"{f1:.3f}",
        "peak RSS": f"{peak:.0f} MiB",
    }
    for label, figure in figures.items():
        print(f"  {label:<58}{figure:>14}")
    verdict = "met" if cells / whole_call >= TARGET_CELLS_PER_SECOND else "NOT met"
    print(f"target {TARGET_CELLS_PER_SECOND:,} cells/s (whole call, default sample, wall clock): {verdict}")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if importlib.util.find_spec("presidio_analyzer") is None:
        print(
            "Presidio's analyzer: not measured. It needs a spaCy model (en_core_web_lg) downloaded at install "
            "time, and model downloads are not possible on this machine."
        )


if __name__ == "__main__":
    main()
