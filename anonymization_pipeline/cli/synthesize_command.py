"""`anonymize synthesize POLICY`: a synthetic copy of the policy's input, published only when its
evaluation met every target of the policy's `synthetic:` section (exit 1 otherwise). A
`dp_marginals` run is charged to the instance's budget ledger (`anonymize budget history`), and
refused with exit 1, nothing written, when the period's budget is spent."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from anonymization_pipeline.core.errors import ConfigurationError, OutputError, PrivacyTargetNotMet
from anonymization_pipeline.core.io import AnyLocation, parse_location, read_table
from anonymization_pipeline.core.policy import Policy, load_policy


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    synthesize = subparsers.add_parser("synthesize", help="publish a synthetic copy of the input, proven before it is written")
    synthesize.add_argument("policy", help="path to the policy YAML (with a 'synthetic:' section)")
    synthesize.add_argument("--rows", type=_positive, help="rows to draw (default: synthetic.rows, else as many as the input)")
    synthesize.add_argument("--seed", type=_seed, help="seed: the same seed and input give the same table")
    synthesize.add_argument("--input", help="override the policy's input: a file path or SQL URL#table")
    synthesize.add_argument("--output", help="override synthetic.output: a file path or SQL URL#table")
    synthesize.add_argument("--report", help="folder for report.json and report.md")
    synthesize.add_argument("--quiet", action="store_true", help="print nothing on success")
    synthesize.add_argument("--json", action="store_true", help="print the report as JSON")
    synthesize.set_defaults(func=synthesize_policy)


def synthesize_policy(args: argparse.Namespace) -> int:
    from anonymization_pipeline.core.synthetic import (
        build_candidate,
        publish_synthetic,
        report_synthetic_rejection,
        synthetic_report_folder,
    )

    policy = load_policy(args.policy)
    if policy.synthetic is None:
        raise ConfigurationError(f"{args.policy}: the policy has no 'synthetic' section")
    if policy.dataset.daily_partitions is not None and args.input is None:
        raise ConfigurationError("synthesize reads its input whole: give --input for a policy whose input arrives by day")
    output = _output(policy, args.output)
    report_dir = synthetic_report_folder(output, args.report)
    _make_folder(report_dir)
    frame = read_table(parse_location(args.input) if args.input else policy.dataset.input)
    candidate = build_candidate(frame, policy, rows=args.rows, seed=args.seed)
    if not candidate.passed:
        rejected = report_synthetic_rejection(candidate, report_dir)
        if not args.quiet and not args.json:
            _print_summary(candidate.report, rejected)
        raise PrivacyTargetNotMet("not published: " + "; ".join(candidate.failures))
    report = publish_synthetic(candidate, output, report_dir)
    if args.json:
        print(json.dumps(report, indent=2))
    elif not args.quiet:
        _print_summary(report, report_dir)
    return 0


def _output(policy: Policy, uri: str | None) -> AnyLocation:
    if uri:
        return parse_location(uri)
    if policy.synthetic.output is None:
        raise ConfigurationError("synthetic.output is not set: add it to the policy or give --output")
    return policy.synthetic.output


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot create the report folder {folder}: {error.strerror}") from None


def _print_summary(report: dict[str, Any], report_dir: Path) -> None:
    evaluation = report["evaluation"]
    quality, privacy, utility = evaluation["quality"], evaluation["privacy"], evaluation["ml_utility"]
    rows = report["rows"]
    print(f"{report['status'].replace('_', ' ')}: synthetic {report['dataset']} ({report['method']}, seed {report['seed']})")
    print(f"  rows: {rows['rows_in']} in ({rows['rows_holdout']} held out), {rows['rows_published']} synthetic")
    print(f"  quality {quality['score']}: column shapes {quality['column_shapes']}, pair trends {quality['pair_trends']}")
    if utility:
        print(f"  ml utility ({utility['target']}, {utility['metric']}): {utility['synthetic']} vs {utility['real']} trained on real")
    print(
        f"  privacy: dcr ratio {privacy['dcr_ratio']}, unique copies {privacy['unique_copies_synthetic']} "
        f"vs hold-out {privacy['unique_copies_holdout']}, membership AUC {privacy['membership_auc']}"
    )
    budget = report["privacy_budget"]
    if budget and report["status"] == "published":
        print(
            f"  epsilon spent: {budget['epsilon']:g} (ledger: {budget['epsilon_remaining_in_period']:g} of "
            f"{budget['budget_epsilon']:g} left for {budget['period']}, run {budget['run_id']})"
        )
    elif budget:
        print(f"  epsilon {budget['epsilon']:g} not spent: the reservation was given back")
    for failure in report["failures"]:
        print(f"  unmet: {failure}")
    if report["output"]:
        print(f"  output: {report['output']}")
    print(f"  report: {report_dir / 'report.md'}")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be a whole number of at least 1")
    return value


def _seed(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be a whole number of at least 0")
    return value
