"""`anonymize profile INPUT`: which columns hold personal data, as a policy ready to run or as JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from anonymization_pipeline.core.io import atomic_output, parse_location
from anonymization_pipeline.core.profiling import DEFAULT_SAMPLE_SIZE, policy_yaml, profile_location


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    profile = subparsers.add_parser(
        "profile", help="find the personal data in an input and write a policy that protects it"
    )
    profile.add_argument("input", help="a .csv, .tsv or .parquet file, or a SQL URL with the table after '#'")
    profile.add_argument(
        "--sample", type=int, default=DEFAULT_SAMPLE_SIZE, help=f"values sampled per column (default {DEFAULT_SAMPLE_SIZE})"
    )
    profile.add_argument("--seed", type=int, default=0, help="seed of the sample (default 0)")
    profile.add_argument("--json", action="store_true", help="print each column's class, kind and evidence as JSON")
    profile.add_argument("--output", type=Path, help="write to this file instead of standard output")
    profile.set_defaults(func=profile_input)


def profile_input(args: argparse.Namespace) -> int:
    location = parse_location(args.input)
    tables_wanted = args.output is not None and not args.json
    profile = profile_location(location, args.sample, args.seed, list_categories=tables_wanted)
    if args.json:
        text = json.dumps(profile.as_json(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = policy_yaml(profile, location, args.output)
    if args.output is None:
        print(text, end="")
        return 0
    with atomic_output(args.output) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return 0
