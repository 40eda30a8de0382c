"""What a user's whole call costs, beside the part it is about (issue 13's targets a-d).

(a) protection-only policy (pseudonymize, mask email and card, drop two columns, bucket, encrypt,
    perturb) on generated users: whole in-process `anonymize()` (warm) against the tutorial's
    per-value `Series.apply` style on the same frame, same run (on --naive-rows rows, scaled
    linearly); peak RSS of that process. Target >= 10x, <= 2 GB at 1,000,000 rows. Beside them,
    the policy's keyed primitives alone (HMAC-SHA256 per user id, AES-GCM per SSN): a floor no
    whole call with this policy can go under on one core.
(b) Adult, ARX's first case (k=5, 0 %, discernibility): whole warm `anonymize()` (best of 5) and
    the search alone (best of 7 warm runs). Targets <= 1 s and <= ARX's warm 32 ms (stated figure).
(c) `anonymize run examples/policies/adult.yaml`, whole process, against
    `python -c "import dagster, great_expectations, pandas"` (best of 3 each, interleaved).
    Target: run <= 2 s + that import. `anonymize demo` (what `make demo` runs): target <= 25 s.
    Events: Dagster's own event handling (`DagsterInstance.handle_new_event`, SQLite instance)
    during an in-process Dagster run of Adult. Target <= 1 s.
(d) generated census-like table, 8 quasi-identifiers, k=10, 4 % suppression, with a linkage attack:
    whole `anonymize run` process (risk, checks, report) and its peak RSS, beside the privacy
    engine alone in its own process. Targets <= 30 s, <= 3 GB at 1,000,000 rows.

Each heavy case runs in a fresh process, so each peak RSS is its own. The machine may be shared:
`uptime` is printed first; compare figures within one run.

    .venv/bin/python benchmarks/whole_run.py                       # small sizes, under 2 minutes
    .venv/bin/python benchmarks/whole_run.py --rows 1000000        # the targets' sizes for (a), (d)
    .venv/bin/python benchmarks/whole_run.py --cases b,c
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ANONYMIZE = str(BIN / "anonymize")
CASES = ("a", "b", "c", "demo", "events", "d")
ARX_WARM_SEARCH_S = 0.032
INCOME_EDGES = [0, 20_000, 40_000, 60_000, 100_000, 200_000, 10_000_000]
INCOME_LABELS = ["<20k", "20-40k", "40-60k", "60-100k", "100-200k", "200k+"]


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(case: str, *arguments: str) -> dict:
    """Run one case in a fresh interpreter; it prints one JSON line."""
    done = subprocess.run([sys.executable, __file__, "--child", case, *arguments], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"case {case} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_process(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds, peak RSS MiB, stderr) of one command, measured on that very process.
    `cwd` is the case's own folder: a project folder's anonymizer.yaml would change what a command finds.

    On a shared machine the CPU seconds (user + system) say more than the wall time."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stderr


def environment(home: Path) -> dict[str, str]:
    from anonymization_pipeline.core.keys import encode_key_material

    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    return os.environ | {"DAGSTER_HOME": str(home), "ANONYMIZER_KEY_STORAGE": encode_key_material(os.urandom(32))}


# --- (a) protection only ---------------------------------------------------------------------


def protection_policy():
    from anonymization_pipeline.core.policy import validate_policy

    location = {"format": "parquet", "path": "/bench/users.parquet"}
    keep = {"class": "non_sensitive", "method": "keep"}
    return validate_policy(
        {
            "version": 1,
            "dataset": {"name": "users", "input": location, "output": location},
            "fields": {
                "user_id": {"class": "direct_identifier", "method": "pseudonymize", "params": {"prefix": "u_"}},
                "full_name": {"class": "direct_identifier", "method": "drop"},
                "phone": {"class": "direct_identifier", "method": "drop"},
                "email": {"class": "direct_identifier", "method": "mask", "params": {"preset": "email"}},
                "credit_card": {"class": "direct_identifier", "method": "mask", "params": {"preset": "credit_card"}},
                "ssn": {"class": "direct_identifier", "method": "encrypt"},
                "birth_date": keep,
                "sex": keep,
                "zipcode": keep,
                "city": keep,
                "diagnosis": {"class": "sensitive", "method": "keep"},
                "income": {"class": "sensitive", "method": "bucket", "params": {"edges": INCOME_EDGES, "labels": INCOME_LABELS}},
                "signup_channel": keep,
                "purchase_count": {"class": "non_sensitive", "method": "perturb", "params": {"scale": 2, "seed": 1, "decimals": 0}},
            },
        }
    )


def tutorial_protection(frame: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """The reference tutorial's style: one Python call per value (Series.apply), Fernet per value."""
    from operators import naive_cases  # benchmarks/operators.py: the same per-value functions

    naive = naive_cases(key)
    out = frame.drop(columns=["full_name", "phone"])
    out["user_id"] = naive["pseudonym"](frame)
    out["email"] = naive["email"](frame)
    out["credit_card"] = naive["card"](frame)
    out["ssn"] = naive["fernet"](frame)
    out["income"] = naive["bucket"](frame)
    out["purchase_count"] = frame["purchase_count"].apply(lambda value: round(value + random.gauss(0, 2)))
    return out


def protection_child(rows: int, naive_rows: int) -> dict:
    from anonymization_pipeline import anonymize
    from anonymization_pipeline.core.datasets.users import generate_users
    from anonymization_pipeline.core.keys import KeyProvider

    frame = generate_users(rows, seed=1).drop(columns=["ip_address"])
    policy, key = protection_policy(), os.urandom(32)
    keys = KeyProvider.from_keys({"default": key})
    started = time.perf_counter()
    anonymize(frame.head(1_000), policy, keys)  # first call: imports (Great Expectations, SciPy)
    first = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    result = anonymize(frame, policy, keys)
    ours, ours_cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = peak_mib()
    primitives = keyed_primitives_seconds(frame, keys)
    sample = frame.head(naive_rows).copy()
    started, cpu = time.perf_counter(), time.process_time()
    tutorial_protection(sample, key)
    scale = rows / len(sample)
    naive, naive_cpu = (time.perf_counter() - started) * scale, (time.process_time() - cpu) * scale
    return {"rows": rows, "first_call_on_1000_rows": first, "ours": ours, "naive": naive, "naive_rows": len(sample),
            "ours_cpu": ours_cpu, "naive_cpu": naive_cpu, "peak": peak, "timings": result.report["timings"],
            "primitives": primitives}


def keyed_primitives_seconds(frame: pd.DataFrame, keys) -> float:
    """The floor under any whole call with this policy: the policy's two keyed primitives alone, in
    the operators' own kernels (one C call per value, nothing else): HMAC-SHA256 of every distinct
    user id (`pseudonymize`) and AES-256-GCM of every SSN (`encrypt`)."""
    import pyarrow as pa

    from anonymization_pipeline.core.operators.aead import GCM, encrypt_values
    from anonymization_pipeline.core.operators.keyed_hash import HMAC_SHA256, keyed_digests

    ids = pa.array(frame["user_id"]).unique().cast(pa.large_binary()).to_pylist()
    ssns = pa.array(frame["ssn"], pa.large_string())
    key = keys.primary("default")
    started = time.perf_counter()
    keyed_digests(ids, key.derive("pseudonymize:hmac-sha256"), HMAC_SHA256, 8)
    encrypt_values(ssns, key, GCM)
    return time.perf_counter() - started


def case_a(rows: int, naive_rows: int) -> None:
    figures = child("a", str(rows), str(naive_rows))
    ratio = figures["naive"] / figures["ours"]
    print(f"\n(a) protection-only policy, {rows:,} generated users, in-process anonymize() (warm)")
    print(f"  whole anonymize()                              {figures['ours']:8.2f} s  (CPU {figures['ours_cpu']:.2f} s)")
    for stage, seconds in figures["timings"].items():
        print(f"    {stage:<44} {seconds:8.3f} s")
    print(f"  tutorial per-value apply (on {figures['naive_rows']:,} rows, scaled) {figures['naive']:8.2f} s  (CPU {figures['naive_cpu']:.2f} s)")
    print(f"  ratio tutorial / ours                          {ratio:8.1f}x  (CPU {figures['naive_cpu'] / figures['ours_cpu']:.1f}x; target >= 10x: {verdict(ratio >= 10)})")
    print(f"  peak RSS                                       {figures['peak']:8.0f} MiB (target <= 2048: {verdict(figures['peak'] <= 2048)})")
    print(f"  keyed primitives alone (HMAC per id, GCM per SSN) {figures['primitives']:8.2f} s, against a 10x budget of {figures['naive'] / 10:.2f} s for the whole call")
    print(f"  first call (imports) on 1,000 rows             {figures['first_call_on_1000_rows']:8.2f} s")


# --- (b) Adult, ARX's first case ---------------------------------------------------------------


def case_b() -> None:
    from privacy import search_seconds  # benchmarks/privacy.py: the search alone, warm, on an encoded table

    from anonymization_pipeline import anonymize
    from anonymization_pipeline.core.datasets.adult import load_adult
    from anonymization_pipeline.core.policy import load_policy

    adult, policy = load_adult(), load_policy(REPO / "examples" / "policies" / "adult.yaml")
    started = time.perf_counter()
    anonymize(adult, policy)
    first = time.perf_counter() - started
    wholes, cpus = [], []
    for _ in range(5):
        started, cpu = time.perf_counter(), time.process_time()
        result = anonymize(adult, policy)
        wholes.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    search, found = search_seconds(adult, policy)
    whole = min(wholes)
    print("\n(b) Adult, k=5, 0 %, discernibility (ARX's first case), in-process")
    print(f"  whole anonymize(), warm, best of 5             {whole:8.3f} s  (median {statistics.median(wholes):.3f}, CPU best {min(cpus):.3f}; target <= 1 s: {verdict(whole <= 1)})")
    for stage, seconds in result.report["timings"].items():
        print(f"    {stage:<44} {seconds:8.3f} s")
    print(f"  search alone, warm, best of 7                  {search * 1e3:8.1f} ms (ARX 32 ms, ratio {search / ARX_WARM_SEARCH_S:.2f}: {verdict(search <= ARX_WARM_SEARCH_S)})")
    print(f"  ratio whole / search                           {whole / search:8.1f}x; optimum {list(found.levels)}")
    print(f"  first call (imports included)                  {first:8.2f} s")


# --- (c) the command line on Adult, and make demo --------------------------------------------


def case_c(work: Path) -> None:
    env = environment(work / "dagster_home")
    run = [ANONYMIZE, "run", str(REPO / "examples" / "policies" / "adult.yaml"), "--quiet",
           "--output", str(work / "adult.parquet"), "--report", str(work / "report")]
    imports = [sys.executable, "-c", "import dagster, great_expectations, pandas"]
    runs, baselines = [], []
    for _ in range(3):
        baselines.append(run_process(imports, env, work)[:2])
        runs.append(run_process(run, env, work)[:2])
    *_, timings = run_process([*run, "--timings"], env, work)
    (run_wall, run_cpu), (import_wall, import_cpu) = min(runs), min(baselines)
    print("\n(c) anonymize run examples/policies/adult.yaml, whole process (best of 3, interleaved)")
    print(f"  anonymize run                                  {run_wall:8.2f} s  (CPU {run_cpu:.2f} s)")
    print(f"  python -c 'import dagster, great_expectations, pandas' {import_wall:.2f} s  (CPU {import_cpu:.2f} s)")
    print(f"  run - import                                   {run_wall - import_wall:8.2f} s  (CPU {run_cpu - import_cpu:.2f} s; target <= 2 s: {verdict(run_wall - import_wall <= 2)})")
    print("  one more run with --timings:")
    print("\n".join("    " + line for line in timings.rstrip().splitlines()))


def case_demo(work: Path) -> None:
    """`anonymize demo` as `make demo` runs it: in a new clone (the tracked files, no keys yet),
    with nothing of ours in the environment but the instance folder make exports."""
    project = work / "demo_project"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout.decode()
    for name in filter(None, tracked.split("\0")):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, project / name)
    env = {name: value for name, value in os.environ.items() if not name.startswith(("ANONYMIZER_", "DAGSTER_"))}
    env["DAGSTER_HOME"] = str(project / ".dagster_home")
    seconds, cpu, peak, _ = run_process([ANONYMIZE, "demo"], env, cwd=project)
    print("\n(c) anonymize demo (what `make demo` runs once installed), whole process, 20,000 users")
    print(f"  anonymize demo                                 {seconds:8.2f} s  (CPU {cpu:.2f} s; target <= 25 s: {verdict(seconds <= 25)}), peak RSS {peak:.0f} MiB")


def events_child(home: str) -> dict:
    import dagster as dg

    from anonymization_pipeline.orchestration.environment import build_resources
    from anonymization_pipeline.orchestration.in_process import materialize_pipeline

    spent = {"seconds": 0.0, "events": 0}
    handle = dg.DagsterInstance.handle_new_event

    def timed(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return handle(self, *args, **kwargs)
        finally:
            spent["seconds"] += time.perf_counter() - started
            spent["events"] += 1

    dg.DagsterInstance.handle_new_event = timed
    policy = REPO / "examples" / "policies" / "adult.yaml"
    resources = build_resources(str(policy), None, str(Path(home) / "adult.parquet"), str(Path(home) / "report"))
    instance = dg.DagsterInstance.get()
    materialize_pipeline(resources, instance)  # imports and a first run
    spent.update(seconds=0.0, events=0)
    started = time.perf_counter()
    run = materialize_pipeline(resources, instance)
    return {"run": time.perf_counter() - started, "success": run.success} | spent


def case_events(work: Path) -> None:
    home = work / "events_home"
    env = environment(home)
    done = subprocess.run([sys.executable, __file__, "--child", "events", str(home)], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"case events failed:\n{done.stderr[-3000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print("\n(c) Dagster's own event handling in a Dagster run of Adult (SQLite instance, second run)")
    print(f"  whole Dagster run                              {figures['run']:8.2f} s  (succeeded: {figures['success']})")
    print(f"  handle_new_event ({figures['events']} events)                 {figures['seconds']:8.2f} s  (target <= 1 s: {verdict(figures['seconds'] <= 1)})")


# --- (d) a million rows through anonymize run -------------------------------------------------


def scale_files(rows: int, folder: Path) -> Path:
    """The census-like table of benchmarks/privacy.py, an outside list of a tenth of it, and a policy."""
    from privacy import scale_policy, scale_table

    frame = scale_table(rows)
    frame.to_parquet(folder / "people.parquet", index=False)
    frame.sample(frac=0.1, random_state=1)[["age", "sex", "zip"]].to_parquet(folder / "list.parquet", index=False)
    policy = scale_policy()
    document = {
        "version": 1,
        "dataset": {
            "name": "people",
            "input": {"format": "parquet", "path": str(folder / "people.parquet")},
            "output": {"format": "parquet", "path": str(folder / "out" / "people.parquet")},
        },
        "fields": {name: field.model_dump(mode="json", by_alias=True, exclude_none=True) for name, field in policy.fields.items()},
        "privacy": policy.privacy.model_dump(mode="json", exclude_none=True),
        "risk": {
            "linkage_attack": {"external": {"format": "parquet", "path": str(folder / "list.parquet")}, "columns": ["age", "sex", "zip"]}
        },
    }
    path = folder / "policy.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def case_d(rows: int, work: Path) -> None:
    folder = work / "scale"
    folder.mkdir()
    policy = scale_files(rows, folder)
    env = environment(work / "scale_home")
    seconds, cpu, peak, timings = run_process([ANONYMIZE, "run", str(policy), "--quiet", "--report", str(folder / "report"), "--timings"], env, folder)
    engine = subprocess.run([sys.executable, str(REPO / "benchmarks" / "privacy.py"), "--scale", str(rows)],
                            capture_output=True, text=True, check=True).stdout.strip().split("\t")
    engine_seconds, engine_peak = float(engine[4]), float(engine[5])
    print(f"\n(d) {rows:,} rows, 8 quasi-identifiers, k=10, 4 % suppression, linkage attack: anonymize run, whole process")
    print(f"  anonymize run                                  {seconds:8.2f} s  (CPU {cpu:.2f} s; target <= 30 s: {verdict(seconds <= 30)})")
    print(f"  peak RSS                                       {peak:8.0f} MiB (target <= 3072: {verdict(peak <= 3072)})")
    print(f"  privacy engine alone (own process)             {engine_seconds:8.2f} s, peak {engine_peak:.0f} MiB")
    print(f"  ratio whole run / engine                       {seconds / engine_seconds:8.1f}x")
    print("  the run's --timings:")
    print("\n".join("    " + line for line in timings.rstrip().splitlines()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows for (a) and (d); the targets are set at 1000000")
    parser.add_argument("--naive-rows", type=int, default=20_000, help="rows the tutorial style runs on (scaled to --rows)")
    parser.add_argument("--cases", default=",".join(CASES), help=f"comma-separated, of {', '.join(CASES)}")
    args = parser.parse_args()
    cases = args.cases.split(",")
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}; {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        if "a" in cases:
            case_a(args.rows, min(args.naive_rows, args.rows))
        if "b" in cases:
            case_b()
        if "c" in cases:
            case_c(work)
        if "demo" in cases:
            case_demo(work)
        if "events" in cases:
            case_events(work)
        if "d" in cases:
            case_d(args.rows, work)
    print(f"\nuptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--child":
        runners = {"a": lambda rows, naive: protection_child(int(rows), int(naive)), "events": events_child}
        print(json.dumps(runners[sys.argv[2]](*sys.argv[3:])))
    else:
        main()
