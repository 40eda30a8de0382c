"""`anonymize demo`: the first hour in one command. Sets the project up (`anonymize init`),
generates users, publishes them under the demo policy on the first attempt, then shows the
escalation on purpose, visibly labelled: a second dataset whose first rung is meant to fail."""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from anonymization_pipeline.cli.init_command import set_up_project
from anonymization_pipeline.cli.run_command import run_policy
from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.core.project import apply_project
from anonymization_pipeline.core.policy import Policy, load_policy
from anonymization_pipeline.core.policy.model import SqlLocation

if TYPE_CHECKING:
    import pandas as pd

POLICIES = Path("examples/policies")
DEMO_POLICY = POLICIES / "users.yaml"
ESCALATION_DEMO_POLICY = POLICIES / "users_escalation_demo.yaml"
DEMO_TAG = "anonymizer/demo"
ESCALATION_BANNER = (
    "=== ESCALATION DEMO (on purpose) ===\n"
    "users_escalation_demo asks for k=5, which leaves the average risk above 0.05: its first attempt is\n"
    "meant to fail and publish nothing; the escalation then takes the next rung of retry.ladder (k=8)."
)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser(
        "demo", help="set the project up, generate sample users, run the demo policy, then an escalation on purpose"
    )
    demo.add_argument("--policy", type=Path, help=f"run only this policy (default: {DEMO_POLICY}, then {ESCALATION_DEMO_POLICY})")
    demo.add_argument("--rows", type=int, default=20_000, help="how many users to generate (default 20000)")
    demo.add_argument("--seed", type=int, default=7)
    demo.set_defaults(func=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    policies = [args.policy] if args.policy else [DEMO_POLICY, ESCALATION_DEMO_POLICY]
    for path in policies:
        if not path.is_file():
            raise ConfigurationError(f"no demo policy at {path}; run `anonymize demo` from the repository root")
    if args.rows < 1:
        raise ConfigurationError(f"--rows: must be at least 1, got {args.rows}")
    set_up_project(Path.cwd(), Path(".dagster_home"), None, POLICIES)
    apply_project()

    from anonymization_pipeline.core.datasets import generate_external_registry, generate_users
    from anonymization_pipeline.core.io import write_table

    users = generate_users(args.rows, args.seed)
    written: set[str] = set()
    for path in policies:
        policy = load_policy(path)
        days = _write_users(users, policy, written)
        attack = policy.risk.linkage_attack
        if attack is not None and str(attack.external.path) not in written:
            write_table(generate_external_registry(users, overlap=0.5, seed=args.seed + 1), attack.external)
            written.add(str(attack.external.path))
            print(f"generated an identified registry of half of them (plus decoys) into {attack.external.path}")
        escalation = path == ESCALATION_DEMO_POLICY
        if escalation:
            print("\n" + ESCALATION_BANNER)
        code = run_policy(
            argparse.Namespace(
                policy=path,
                input=None,
                output=None,
                report=None,
                quiet=False,
                json=False,
                timings=False,
                dates=days,
                run_tags={DEMO_TAG: "escalation, first rung fails on purpose"} if escalation else None,
            )
        )
        if code != 0:
            return code
    print("\nopen the Dagster UI with `make ui` (http://127.0.0.1:3000) to see the runs, lineage and audit metadata")
    return 0


def _write_users(users: pd.DataFrame, policy: Policy, written: set[str]) -> list[str]:
    """The users as the policy's input: one file, or for an input that arrives by day, one file a
    day with an equal share of them. Returns the days written; `written` collects the files."""
    import numpy as np

    from anonymization_pipeline.core.io import write_table
    from anonymization_pipeline.core.io.daily_inputs import day_location

    daily = policy.dataset.daily_partitions
    if daily is None:
        if str(policy.dataset.input.path) not in written:
            write_table(users, policy.dataset.input)
            written.add(str(policy.dataset.input.path))
            print(f"generated {len(users)} users into {policy.dataset.input.path}")
        return []
    if daily.end_date is None or isinstance(policy.dataset.input, SqlLocation):
        raise ConfigurationError("the demo writes daily files: give daily_partitions an end_date and a file input")
    days = [daily.start_date + datetime.timedelta(days=n) for n in range((daily.end_date - daily.start_date).days)]
    if len(users) < len(days):
        raise ConfigurationError(f"--rows: the demo spreads users over {len(days)} days; give at least {len(days)}")
    for day, share in zip(days, np.array_split(np.arange(len(users)), len(days))):
        write_table(users.iloc[share].reset_index(drop=True), day_location(policy.dataset.input, day))
    print(f"generated {len(users)} users arriving over {len(days)} days into {policy.dataset.input.path}")
    return [day.isoformat() for day in days]
