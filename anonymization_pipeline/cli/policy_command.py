"""`anonymize validate POLICY` and `anonymize policy schema`."""

from __future__ import annotations

import argparse
import json

from anonymization_pipeline.core.policy import FieldClass, Policy, load_policy


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    validate = subparsers.add_parser("validate", help="check a policy file without reading any data")
    validate.add_argument("policy", help="path to the policy YAML")
    validate.set_defaults(func=validate_policy_file)

    policy = subparsers.add_parser("policy", help="policy file utilities")
    policy_commands = policy.add_subparsers(dest="policy_command", required=True, metavar="ACTION")
    schema = policy_commands.add_parser("schema", help="print the policy's JSON Schema")
    schema.set_defaults(func=print_schema)


def validate_policy_file(args: argparse.Namespace) -> int:
    policy = load_policy(args.policy)
    counts = ", ".join(
        f"{len(names)} {field_class.value}" for field_class in FieldClass if (names := policy.fields_of(field_class))
    )
    targets = policy.privacy.model_dump(exclude_none=True, include={"k", "max_suppression"}) if policy.privacy else {}
    daily = policy.dataset.daily_partitions
    by_day = ""
    if daily is not None:
        until = f" to {daily.end_date} (exclusive)" if daily.end_date else ""
        by_day = f"; read by day from {daily.start_date}{until}"
    print(f"policy OK: dataset {policy.dataset.name!r}{by_day}; fields: {counts}; targets: {targets or 'none'}")
    return 0


def print_schema(args: argparse.Namespace) -> int:
    print(json.dumps(Policy.model_json_schema(by_alias=True), indent=2))
    return 0
