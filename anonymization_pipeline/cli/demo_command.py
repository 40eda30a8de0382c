"""`anonymize demo`: generated users through the example policy, end to end, in one command."""

from __future__ import annotations

import argparse
import datetime
import os
from pathlib import Path
from typing import TYPE_CHECKING

from anonymization_pipeline.cli.run_command import run_policy
from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.core.keys import KEY_FILE_VARIABLE, generate_key
from anonymization_pipeline.core.policy import Policy, load_policy
from anonymization_pipeline.core.policy.model import SqlLocation

if TYPE_CHECKING:
    import pandas as pd

DEMO_POLICY = Path("examples/users/policy.yaml")
DEMO_KEYS = ("default", "pseudonyms", "storage")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help="generate sample users and run the example policy on them")
    demo.add_argument("--policy", type=Path, default=DEMO_POLICY, help=f"default: {DEMO_POLICY}")
    demo.add_argument("--rows", type=int, default=20_000, help="how many users to generate (default 20000)")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--key-file", type=Path, help=f"default: ${KEY_FILE_VARIABLE}, else $DAGSTER_HOME/demo-keys.json")
    demo.set_defaults(func=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    if not args.policy.is_file():
        raise ConfigurationError(f"no demo policy at {args.policy}; run `anonymize demo` from the repository root")
    if args.rows < 1:
        raise ConfigurationError(f"--rows: must be at least 1, got {args.rows}")
    _ensure_demo_keys(args.key_file)
    policy = load_policy(args.policy)

    from anonymization_pipeline.core.datasets import generate_external_registry, generate_users
    from anonymization_pipeline.core.io import write_table

    users = generate_users(args.rows, args.seed)
    days = _write_users(users, policy)
    attack = policy.risk.linkage_attack
    if attack is not None:
        write_table(generate_external_registry(users, overlap=0.5, seed=args.seed + 1), attack.external)
        print(f"generated an identified registry of half of them (plus decoys) into {attack.external.path}")
    code = run_policy(
        argparse.Namespace(
            policy=args.policy,
            input=None,
            output=None,
            report=None,
            quiet=False,
            json=False,
            timings=False,
            dates=days,
        )
    )
    print("open the Dagster UI with `make ui` (http://127.0.0.1:3000) to see the runs, lineage and audit metadata")
    return code


def _write_users(users: pd.DataFrame, policy: Policy) -> list[str]:
    """The users as the policy's input: one file, or for an input that arrives by day, one file a
    day with an equal share of them. Returns the days written."""
    import numpy as np

    from anonymization_pipeline.core.io import write_table
    from anonymization_pipeline.core.io.daily_inputs import day_location

    daily = policy.dataset.daily_partitions
    if daily is None:
        write_table(users, policy.dataset.input)
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


def _ensure_demo_keys(key_file: Path | None) -> None:
    """Use the configured key file, or create a demo one (and say so) when there is none."""
    default = Path(os.environ.get("DAGSTER_HOME", ".dagster_home")) / "demo-keys.json"
    path = key_file or Path(os.environ.get(KEY_FILE_VARIABLE, default))
    created = not path.exists()
    for name in DEMO_KEYS:
        generate_key(path, name, exists_ok=True)
    os.environ[KEY_FILE_VARIABLE] = str(path)
    if created:
        print(f"created demo keys in {path} (mode 0600); use your own keys outside the demo")
