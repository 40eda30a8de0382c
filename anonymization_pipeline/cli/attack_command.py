"""`anonymize attack PUBLISHED --external EXTERNAL --on COLUMNS`: play the linkage attacker.

Links an identified outside list (name plus raw quasi-identifiers) to a published table and says
how many people it pins down. Generalized cells are matched by containment, using the policy's
hierarchies when `--policy` is given. A benchmark that kept the truth aside can pass it with
`--ground-truth` (one id per published row, in the external list's `benchmark_true_user_id`
column's terms) to also count correct matches.
"""

from __future__ import annotations

import argparse
import json

from typing import Any

from anonymization_pipeline.core.errors import ConfigurationError, InputDataError

LABELS = (
    ("attempts", "people on the external list"),
    ("matched", "matched to at least one record"),
    ("uniquely_matched", "matched to exactly one record"),
    ("attacker_expected_success_rate", "attacker's expected success rate"),
    ("targets_in_published", "people who are in the published table"),
    ("matched_correctly", "matched uniquely and correctly"),
    ("expected_correct", "expected correct re-identifications"),
    ("expected_success_rate", "expected success rate"),
)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    attack = subparsers.add_parser("attack", help="link an identified outside list to a published table")
    attack.add_argument("published", help="the published table: a .csv, .tsv or .parquet file, or SQL URL#table")
    attack.add_argument("--external", required=True, help="the identified outside list (name plus raw quasi-identifiers)")
    attack.add_argument("--on", required=True, help="comma-separated quasi-identifier columns to join on")
    attack.add_argument("--policy", help="policy whose hierarchies say which raw values a generalized cell covers")
    attack.add_argument(
        "--ground-truth", help="benchmark only: a table of the hidden ids the external list carries, one row per published row"
    )
    attack.add_argument("--json", action="store_true", help="print the result as JSON")
    attack.set_defaults(func=run_attack)


def _columns(text: str) -> list[str]:
    columns = [name.strip() for name in text.split(",") if name.strip()]
    if not columns:
        raise ConfigurationError("--on needs at least one column name, e.g. --on birth_date,sex,zipcode")
    return columns


def _ground_truth(path: str | None, external_ids, published_rows: int) -> Any:
    if path is None:
        return None
    from anonymization_pipeline.core.io import parse_location, read_table
    from anonymization_pipeline.core.risk import GroundTruth
    from anonymization_pipeline.core.risk.attack import TRUTH_COLUMN

    if external_ids is None:
        raise InputDataError(f"--ground-truth needs a {TRUTH_COLUMN} column in the external list")
    truth = read_table(parse_location(path))
    if TRUTH_COLUMN not in truth.columns or len(truth) != published_rows:
        raise InputDataError(f"the ground truth must have a {TRUTH_COLUMN} column and one row per published row")
    return GroundTruth(published=truth[TRUTH_COLUMN], external=external_ids)


def run_attack(args: argparse.Namespace) -> int:
    from anonymization_pipeline.core.io import parse_location, read_table
    from anonymization_pipeline.core.policy import load_policy
    from anonymization_pipeline.core.risk import run_linkage_attack
    from anonymization_pipeline.core.risk.attack import TRUTH_COLUMN
    from anonymization_pipeline.core.privacy import build_hierarchies

    on = _columns(args.on)
    published = read_table(parse_location(args.published))
    external = read_table(parse_location(args.external))
    hierarchies = build_hierarchies(load_policy(args.policy), external, on) if args.policy else {}
    truth = _ground_truth(args.ground_truth, external.get(TRUTH_COLUMN), len(published))
    result = run_linkage_attack(published, external, on, hierarchies, ground_truth=truth)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"linkage attack on {', '.join(on)} ({result['method']})")
    for key, label in LABELS:
        if key in result:
            value = result[key]
            print(f"  {label}: {value:.4f}" if isinstance(value, float) else f"  {label}: {value}")
    return 0
