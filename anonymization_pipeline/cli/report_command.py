"""`anonymize report schema`: the JSON Schema of report.json, for tools that read reports."""

from __future__ import annotations

import argparse
import json

from anonymization_pipeline.core.pipeline.report_model import report_schema


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    report = subparsers.add_parser("report", help="about the run report (report.json)")
    actions = report.add_subparsers(dest="report_command", required=True, metavar="ACTION")
    schema = actions.add_parser("schema", help="print the JSON Schema of report.json")
    schema.set_defaults(func=print_schema)


def print_schema(args: argparse.Namespace) -> int:
    print(json.dumps(report_schema(), indent=2))
    return 0
