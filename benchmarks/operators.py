"""Protection operators on a generated 1,000,000-row users table, against the tutorial's per-value style.

For each operator of the users protection (the example policy's methods, plus the alternatives
the issue sets targets for) it prints rows per second, best of --repeat runs, next to the naive
version measured in the same run: `Series.apply` / `DataFrame.apply(axis=1)` with a Python function
per value, Fernet per value, a Python loop over bucket ranges. Naive versions run on --naive-rows
rows (they are linear; a million rows of them would take minutes) and are reported per row.
Then the whole protection stage (every column once) against the naive stage, and peak RSS.

Targets (2-core machine): keyed pseudonyms >= 1.5 M values/s; AES-SIV/GCM >= 1 M values/s;
masking, bucketing, generalization, swapping >= 10 M values/s; whole stage >= 10x the tutorial's
per-row stage (`DataFrame.apply(axis=1)`, Fernet per value); the faster per-column `Series.apply`
stage is printed as well. Peak memory < 2 GB. The machine is shared: compare figures within a run.

    .venv/bin/python benchmarks/operators.py
    .venv/bin/python benchmarks/operators.py --rows 200000 --repeat 1
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import random
import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from cryptography.fernet import Fernet

from anonymization_pipeline.core.datasets.users import generate_users
from anonymization_pipeline.core.keys import KeyProvider, encode_key_material
from anonymization_pipeline.core.operators import OperatorContext, get_operator
from anonymization_pipeline.core.operators.generalization import mask_prefix

INCOME_EDGES = [0, 20_000, 40_000, 60_000, 100_000, 200_000, 10_000_000]
INCOME_LABELS = ["<20k", "20-40k", "40-60k", "60-100k", "100-200k", "200k+"]


@dataclass(frozen=True)
class Case:
    """One operator on one column, its naive counterpart (or None), its target and whether the stage uses it."""

    label: str
    column: str
    method: str
    params: dict[str, Any]
    naive: Callable[[pd.DataFrame], object] | None
    target: float | None
    in_stage: bool


def naive_cases(key: bytes) -> dict[str, Callable[[pd.DataFrame], object]]:
    """The reference tutorial's style: a Python function per value (Series.apply) or per row."""
    fernet = Fernet(encode_key_material(key))

    def mask_email(email: str) -> str:  # the tutorial's version, which leaks the local part
        local, domain = email.split("@")
        return local[0] + "***" + local + "@" + domain

    def bucket(income: float) -> str:
        for low, high, label in zip(INCOME_EDGES, INCOME_EDGES[1:], INCOME_LABELS):
            if low <= income < high:
                return label
        return "*"

    def shift_row(row: pd.Series) -> str:
        digest = hmac.new(key, row["user_id"].encode(), hashlib.sha256).digest()
        offset = int.from_bytes(digest[:8], "big") % 361 - 180
        return (datetime.strptime(row["birth_date"], "%Y-%m-%d") + timedelta(days=offset)).strftime("%Y-%m-%d")

    def swap_loop(values: pd.Series) -> list:
        out = values.tolist()
        chosen = random.sample(range(len(out)), len(out) // 10)
        for i in chosen:
            j = random.choice(chosen)
            out[i], out[j] = out[j], out[i]
        return out

    per_value = {
        "user_id": lambda v: "u_" + hmac.new(key, v.encode(), hashlib.sha256).hexdigest()[:16],
        "full_name": lambda v: "[REDACTED]",
        "email": mask_email,
        "phone": lambda v: "*" * (len(v) - 2) + v[-2:],
        "ssn": lambda v: fernet.encrypt(v.encode()).decode(),
        "credit_card": lambda v: "*" * (len(v) - 4) + v[-4:],
        "ip_address": lambda v: v[:4] + "*" * (len(v) - 4),
        "birth_date": lambda v: v[:4],
        "zipcode": lambda v: v[:3] + "**",
        "income": bucket,
    }

    def protect_row(row: pd.Series) -> pd.Series:
        return pd.Series({column: function(row[column]) for column, function in per_value.items()})

    def stage(frame: pd.DataFrame) -> object:
        protected = frame.apply(protect_row, axis=1)
        protected["purchase_count"] = swap_loop(frame["purchase_count"])
        return protected

    return {
        "pseudonym": lambda f: f["user_id"].apply(per_value["user_id"]),
        "hash": lambda f: f["ssn"].apply(lambda v: hmac.new(key, v.encode(), hashlib.sha256).hexdigest()),
        "email": lambda f: f["email"].apply(mask_email),
        "card": lambda f: f["credit_card"].apply(per_value["credit_card"]),
        "phone": lambda f: f["phone"].apply(per_value["phone"]),
        "fernet": lambda f: f["ssn"].apply(per_value["ssn"]),
        "bucket": lambda f: f["income"].apply(bucket),
        "perturb": lambda f: f["income"].apply(lambda v: v + random.gauss(0, 2000)),
        "year": lambda f: f["birth_date"].apply(per_value["birth_date"]),
        "zip": lambda f: f["zipcode"].apply(per_value["zipcode"]),
        "date_shift": lambda f: f.apply(shift_row, axis=1),
        "swap": lambda f: swap_loop(f["purchase_count"]),
        "ip": lambda f: f["ip_address"].apply(per_value["ip_address"]),
        "name": lambda f: f["full_name"].apply(per_value["full_name"]),
        "stage": stage,
    }


def cases(naive: dict[str, Callable[[pd.DataFrame], object]]) -> list[Case]:
    return [
        Case("pseudonymize hmac-sha256", "user_id", "pseudonymize", {"prefix": "u_"}, naive["pseudonym"], 1.5e6, True),
        Case(
            "pseudonymize blake2b",
            "user_id",
            "pseudonymize",
            {"prefix": "u_", "algorithm": "blake2b"},
            naive["pseudonym"],
            1.5e6,
            False,
        ),
        Case("pseudonymize (repeated)", "city", "pseudonymize", {}, None, 1.5e6, False),
        Case("hash (keyed)", "ssn", "hash", {}, naive["hash"], 1.5e6, False),
        Case("mask email", "email", "mask", {"preset": "email"}, naive["email"], 10e6, True),
        Case("mask credit_card + Luhn", "credit_card", "mask", {"preset": "credit_card"}, naive["card"], 10e6, True),
        Case("mask phone", "phone", "mask", {"preset": "phone"}, naive["phone"], 10e6, True),
        Case("mask keep_first", "ip_address", "mask", {"keep_first": 4}, naive["ip"], 10e6, True),
        Case("redact", "full_name", "redact", {}, naive["name"], None, True),
        Case("fake name", "full_name", "fake", {"provider": "name"}, None, None, False),
        Case("encrypt aes-256-gcm", "ssn", "encrypt", {}, naive["fernet"], 1e6, True),
        Case("encrypt aes-siv (distinct)", "ssn", "encrypt", {"deterministic": True}, naive["fernet"], 1e6, False),
        Case("encrypt aes-siv (repeated)", "diagnosis", "encrypt", {"deterministic": True}, None, 1e6, False),
        Case("encrypt fernet", "ssn", "encrypt", {"scheme": "fernet"}, naive["fernet"], None, False),
        Case(
            "bucket", "income", "bucket", {"edges": INCOME_EDGES, "labels": INCOME_LABELS}, naive["bucket"], 10e6, True
        ),
        Case("truncate_date year", "birth_date", "truncate_date", {"unit": "year"}, naive["year"], 10e6, True),
        Case("mask keep_first (zip, 3)", "zipcode", "mask", {"keep_first": 3}, naive["zip"], 10e6, True),
        Case("round", "income", "round", {"base": 1000}, None, 10e6, False),
        Case("top_bottom_code", "income", "top_bottom_code", {"top": 250_000}, None, 10e6, False),
        Case("perturb gaussian", "income", "perturb", {"scale": 2000}, naive["perturb"], 10e6, False),
        Case("swap random 10%", "purchase_count", "swap", {"fraction": 0.1}, naive["swap"], 10e6, True),
        Case("swap rank 5%", "purchase_count", "swap", {"method": "rank", "window": 5}, None, 10e6, False),
        Case(
            "date_shift (by user_id)",
            "birth_date",
            "date_shift",
            {"entity": "user_id", "max_days": 180},
            naive["date_shift"],
            None,
            False,
        ),
    ]


def best_seconds(work: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_case(
    case: Case, users: pd.DataFrame, sample: pd.DataFrame, keys: KeyProvider, repeat: int
) -> tuple[float, float | None]:
    """(our seconds on the whole table, naive seconds per row or None)."""
    operator = get_operator(case.method)
    context = OperatorContext(case.column, keys=keys, frame=users, seed=1)
    seconds = best_seconds(lambda: operator.operate(users[case.column], case.params, context), repeat)
    if case.naive is None:
        return seconds, None
    return seconds, best_seconds(lambda: case.naive(sample), 1) / len(sample)


def verdict(rate: float, target: float | None) -> str:
    return "" if target is None else f"{target / 1e6:g} M/s {'met' if rate >= target else 'MISSED'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--naive-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    start = time.perf_counter()
    users = generate_users(args.rows, seed=1)
    print(f"generate_users({args.rows:,}): {time.perf_counter() - start:.2f} s; peak RSS {peak_rss_mib():,.0f} MiB")
    sample = users.head(args.naive_rows).copy()
    key = os.urandom(32)
    keys = KeyProvider.from_keys({"default": key, "vault": os.urandom(32)})
    naive = naive_cases(key)

    print(f"\n{'operator':<28} {'column':<15} {'ours rows/s':>13} {'naive rows/s':>13} {'ratio':>8}  target")
    ours_stage = naive_stage = 0.0
    for case in cases(naive):
        seconds, naive_per_row = time_case(case, users, sample, keys, args.repeat)
        rate = args.rows / seconds
        if case.in_stage:
            ours_stage += seconds
            naive_stage += args.rows * naive_per_row
        naive_text = f"{1 / naive_per_row:13,.0f} {rate * naive_per_row:7.1f}x" if naive_per_row else f"{'':>22}"
        print(f"{case.label:<28} {case.column:<15} {rate:13,.0f} {naive_text}  {verdict(rate, case.target)}")

    zip_rate = args.rows / best_seconds(lambda: mask_prefix(users["zipcode"], 3), args.repeat)
    print(f"{'generalization: zip prefix':<28} {'zipcode':<15} {zip_rate:13,.0f} {'':>22}  {verdict(zip_rate, 10e6)}")

    with tempfile.TemporaryDirectory() as folder:
        os.environ["ANONYMIZER_VAULT_URL"] = f"sqlite:///{folder}/vault.sqlite"
        pseudonymize = get_operator("pseudonymize")
        context = OperatorContext("email", keys=keys)
        vault_rate = args.rows / best_seconds(lambda: pseudonymize.operate(users["email"], {"vault": True}, context), 1)
    print(
        f"{'pseudonymize + vault':<28} {'email':<15} {vault_rate:13,.0f}  (SQLite vault: every distinct email sealed)"
    )

    row_wise = best_seconds(lambda: naive["stage"](sample), 1) * args.rows / args.naive_rows
    columns = sum(case.in_stage for case in cases(naive))
    print(f"\nwhole protection stage ({columns} columns, {args.rows:,} rows): ours {ours_stage:.2f} s")
    print(f"  naive per column (Series.apply, Fernet, loops): {naive_stage:.1f} s, {naive_stage / ours_stage:.1f}x")
    print(
        f"  naive per row (DataFrame.apply(axis=1), the tutorial's style): {row_wise:.1f} s, "
        f"{row_wise / ours_stage:.1f}x (target 10x: {'met' if row_wise / ours_stage >= 10 else 'MISSED'})"
    )
    print(f"  naive timings measured on {args.naive_rows:,} rows and scaled linearly")
    print(f"peak RSS {peak_rss_mib():,.0f} MiB (target < 2048 MiB: {'met' if peak_rss_mib() < 2048 else 'MISSED'})")


if __name__ == "__main__":
    main()
