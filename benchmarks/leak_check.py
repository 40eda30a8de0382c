"""What the leak check costs beside the whole assessment of a release.

Generated users (every direct identifier: ids, names, e-mails, phones, SSNs, cards, IPs) are
digested as the assessment does, then every column of a protected copy (e-mails masked, cards
and phones masked, ids pseudonymized, plus ages and cities) is checked for whole identifiers,
8-digit runs and e-mail local parts. Baseline, in the same run: the previous leak check, one
HMAC-SHA256 digest per distinct value compared whole, over the same columns.

    .venv/bin/python benchmarks/leak_check.py                # 200,000 users
    .venv/bin/python benchmarks/leak_check.py --rows 200000 1000000   # several sizes in one run
"""

from __future__ import annotations

import argparse
import os
import time

import pandas as pd

from anonymization_pipeline.core.datasets import generate_users
from anonymization_pipeline.core.keys import KeyProvider
from anonymization_pipeline.core.operators import OperatorContext, get_operator
from anonymization_pipeline.core.operators.keyed_hash import HMAC_SHA256, distinct_values, keyed_digests
from anonymization_pipeline.core.validation.identifier_digests import DigestSet, identifier_digests, normalised
from anonymization_pipeline.core.validation.leak_scan import leak_findings

IDENTIFIERS = ["user_id", "full_name", "email", "phone", "ssn", "credit_card", "ip_address"]
PROTECTION = {
    "user_id": ("pseudonymize", {"key": "pseudonyms", "prefix": "u_"}),
    "email": ("mask", {"preset": "email"}),
    "phone": ("mask", {"preset": "phone"}),
    "credit_card": ("mask", {"preset": "credit_card"}),
}


def protected_copy(users: pd.DataFrame) -> pd.DataFrame:
    keys = KeyProvider.from_keys({"pseudonyms": os.urandom(32)})
    published = users[["birth_date", "zipcode", "city", "diagnosis", "income"]].astype(str)
    for column, (method, params) in PROTECTION.items():
        context = OperatorContext(field=column, keys=keys, frame=users)
        published[column] = get_operator(method).operate(users[column], params, context).column
    return published


def hmac_whole_values(raw: pd.DataFrame, published: pd.DataFrame, key: bytes) -> int:
    """The previous check: every distinct value's HMAC, compared whole."""

    def digests(column: pd.Series) -> set[bytes]:
        distinct, _ = distinct_values(normalised(column))
        return set(map(bytes, keyed_digests(distinct.cast("large_binary").to_pylist(), key, HMAC_SHA256, 32)))

    known = set().union(*(digests(raw[name]) for name in IDENTIFIERS))
    return sum(len(digests(published[name]) & known) for name in published.columns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[200_000])
    for rows in parser.parse_args().rows:
        measure(rows)


def measure(rows: int) -> None:
    users = generate_users(rows, seed=5)
    published = protected_copy(users)
    key = os.urandom(32)

    started = time.perf_counter()
    union = identifier_digests(users[IDENTIFIERS[0]], key)
    for name in IDENTIFIERS[1:]:
        union = union | identifier_digests(users[name], key)
    digested = time.perf_counter()
    counts = {name: leak_findings(published[name], DigestSet(union, key)) for name in published.columns}
    checked = time.perf_counter()
    baseline_matches = hmac_whole_values(users, published, key)
    baseline = time.perf_counter()

    ours = checked - started
    print(f"rows: {rows:,}; identifier columns: {len(IDENTIFIERS)}; published columns: {len(published.columns)}")
    print(f"leak check (whole, digit runs, local parts): {ours:.2f} s (digesting raw {digested - started:.2f} s, checking {checked - digested:.2f} s)")
    print(f"baseline, HMAC of whole values only:         {baseline - checked:.2f} s")
    print(f"ratio baseline / leak check:                 {(baseline - checked) / ours:.2f}x")
    findings = {name: found["rows_with_findings"] for name, found in counts.items()}
    chance = {name: found["rows_with_chance_number_matches"] for name, found in counts.items() if found["rows_with_chance_number_matches"]}
    print(f"findings per column: {findings}; baseline matches: {baseline_matches}")
    print(f"rows whose number matches chance explains: {chance}")


if __name__ == "__main__":
    main()
