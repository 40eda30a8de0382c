"""`anonymize audit`: the history of materializations, without the UI.

So a compliance reviewer can answer "what was published, when, under which policy, with what
risk" from a shell, against the same instance the UI reads.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime

from anonymization_pipeline.core.errors import ConfigurationError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    audit = subparsers.add_parser("audit", help="print the materialization history from the Dagster instance")
    audit.add_argument("--dataset", action="append", help="only this dataset (repeatable); default: every dataset")
    audit.add_argument("--asset", action="append", help="only this stage (repeatable); default: every stage")
    audit.add_argument("--since", help="only materializations on or after this date (YYYY-MM-DD or ISO time)")
    audit.add_argument("--json", action="store_true", help="print JSON instead of a table")
    audit.set_defaults(func=print_audit)


def print_audit(args: argparse.Namespace) -> int:
    since = _parse_since(args.since) if args.since else None
    from anonymization_pipeline.orchestration.audit_history import failed_runs, materialization_history
    from anonymization_pipeline.orchestration.in_process import current_instance

    instance = current_instance()
    history = materialization_history(instance, args.asset, since, args.dataset)
    if args.json:
        print(json.dumps(history, indent=2, default=str))
        return 0
    width = max([len("dataset"), *(len(entry["dataset"]) for entry in history)])
    print(
        f"{'time (UTC)':<20} {'dataset':<{width}} {'asset':<30} {'run':<8} {'attempt':>7} {'rows':>8} {'k':>5} "
        f"{'max risk':>8}  policy        result"
    )
    for entry in history:
        metadata = entry["metadata"]
        privacy = metadata.get("privacy") or {}
        prosecutor = (metadata.get("risk") or {}).get("prosecutor") or {}
        highest = prosecutor.get("highest_risk")
        print(
            f"{entry['time'][:19].replace('T', ' '):<20} {entry['dataset']:<{width}} {_asset(entry):<30} {entry['run_id'][:8]:<8} "
            f"{_number(metadata.get('attempt')):>7} {_number(metadata.get('dagster/row_count')):>8} "
            f"{_number(privacy.get('k_achieved')):>5} {'' if highest is None else f'{highest:.4f}':>8}  "
            f"{str(metadata.get('policy_sha256', ''))[:12]:<12}  {_result(metadata)}"
        )
    failures = failed_runs(instance, since, args.dataset)
    if failures:
        print("\nfailed runs:")
    for run in failures:
        label = f" [{run['tags']['anonymizer/demo']}]" if "anonymizer/demo" in run["tags"] else ""
        print(f"{run['time'][:19].replace('T', ' '):<20} {run['dataset']:<{width}} {run['run_id'][:8]}  {run['reason']}{label}")
    return 0


def _asset(entry: dict) -> str:
    return entry["asset"] if entry["partition"] is None else f"{entry['asset']}[{entry['partition']}]"


def _number(value: object) -> str:
    """Whole numbers only; anything else (missing, or written by an older version) stays blank."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else ""


def _result(metadata: dict) -> str:
    if metadata.get("passed") is False:
        return "failed: " + "; ".join(metadata.get("failures", []))
    if metadata.get("passed") is True:
        return "passed"
    return str(metadata.get("status", ""))


def _parse_since(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigurationError(f"--since: '{text}' is not a date (YYYY-MM-DD) or an ISO time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
