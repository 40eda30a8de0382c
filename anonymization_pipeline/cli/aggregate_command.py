"""`anonymize aggregate POLICY`: release the policy's differentially private statistics once.

The spend is charged to the instance's budget ledger (`anonymize budget history` lists it); a
release the period's budget cannot pay is refused with exit 1 and writes nothing.
"""

from __future__ import annotations

import argparse
import json
import uuid
from pathlib import Path

from anonymization_pipeline.core.dp import BudgetLedger, release_aggregates
from anonymization_pipeline.core.errors import OutputError
from anonymization_pipeline.core.io import parse_location
from anonymization_pipeline.core.io.atomic_files import atomic_output
from anonymization_pipeline.core.policy import load_policy


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    aggregate = subparsers.add_parser(
        "aggregate", help="release the policy's differentially private statistics (charged to the budget ledger)"
    )
    aggregate.add_argument("policy", help="path to the policy YAML (with an 'aggregates' section)")
    aggregate.add_argument("--input", help="override the policy's input: a file path or SQL URL#table")
    aggregate.add_argument("--output", help="override aggregates.output: a file path or SQL URL#table")
    aggregate.add_argument("--report", metavar="DIR", help="folder for aggregates.json (what was spent and released)")
    aggregate.add_argument("--json", action="store_true", help="print the summary as JSON")
    aggregate.add_argument("--quiet", action="store_true", help="print nothing on success")
    aggregate.set_defaults(func=aggregate_policy)


def aggregate_policy(args: argparse.Namespace) -> int:
    policy = load_policy(args.policy)
    if args.report:
        _create_folder(Path(args.report))
    ledger = BudgetLedger.from_environment()
    try:
        release = release_aggregates(
            policy,
            run_id=f"cli-{uuid.uuid4().hex}",
            ledger=ledger,
            input_location=parse_location(args.input) if args.input else None,
            output_location=parse_location(args.output) if args.output else None,
        )
    finally:
        ledger.dispose()
    summary = release.summary()
    if args.report:
        _write_report(Path(args.report), summary)
    if args.json:
        print(json.dumps(summary, indent=2))
    elif not args.quiet:
        print(f"released: {release.dataset}, {len(release.table)} values from {len(policy.aggregates.queries)} queries")
        print(
            f"  spent: epsilon {release.epsilon:g}, delta {release.delta:g}; in {release.period}: epsilon "
            f"{release.spent.epsilon:g} spent, {release.remaining.epsilon:g} left"
        )
        print(f"  output: {release.output}")
        print(f"  ledger: run {release.run_id}, table sha256 {release.digest[:16]}…")
    return 0


def _create_folder(folder: Path) -> None:
    """Before anything is spent: a report that cannot be written is found first."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot create the report folder {folder}: {error.strerror}") from None


def _write_report(folder: Path, summary: dict) -> None:
    with atomic_output(folder / "aggregates.json") as path:
        path.write_text(json.dumps(summary, indent=2), encoding="utf-8")
