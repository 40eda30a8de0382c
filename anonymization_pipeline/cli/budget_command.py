"""`anonymize budget show|history|reset`: the privacy budget ledger from a shell.

`history` is the audit trail of every release (and reset); `show` sums what each dataset spent
per period; `reset` gives a dataset its budget back, which needs `--reason` and is recorded (who,
when, why) in the ledger's append-only audit table before it takes effect, like `reidentify`.
"""

from __future__ import annotations

import argparse
import getpass
import json

from anonymization_pipeline.core.dp import BudgetLedger, LedgerEntry, period_key
from anonymization_pipeline.core.dp.ledger import ALL_PERIODS, remaining
from anonymization_pipeline.core.dp.release import require_aggregates
from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.core.policy import load_policy


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    budget = subparsers.add_parser("budget", help="the privacy budget ledger: what each dataset has spent")
    actions = budget.add_subparsers(dest="budget_action", required=True, metavar="ACTION")

    show = actions.add_parser("show", help="epsilon and delta spent per dataset and period")
    show.add_argument("--dataset", help="only this dataset")
    show.add_argument("--policy", help="a policy: also show its budget and what is left this period")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(func=show_budget)

    history = actions.add_parser("history", help="every release charged to the ledger, oldest first")
    history.add_argument("--dataset", help="only this dataset")
    history.add_argument("--json", action="store_true", help="print the releases as a JSON list")
    history.set_defaults(func=show_history)

    reset = actions.add_parser("reset", help="give a dataset its budget back (audited; needs --reason)")
    reset.add_argument("--dataset", required=True, help="the dataset whose budget is reset")
    reset.add_argument("--reason", required=True, help="why, for the audit trail (e.g. a ticket number)")
    reset.add_argument("--period", default=ALL_PERIODS, help="only this period, e.g. 2026-11 (default: every period)")
    reset.add_argument("--actor", help="who resets, for the audit trail (default: the OS user)")
    reset.set_defaults(func=reset_budget)


def show_budget(args: argparse.Namespace) -> int:
    policy = load_policy(args.policy) if args.policy else None
    if policy is not None:
        require_aggregates(policy)
    dataset = args.dataset or (policy.dataset.name if policy else None)
    ledger = BudgetLedger.from_environment()
    try:
        datasets = [dataset] if dataset else ledger.datasets()
        rows = [
            {"dataset": name, "period": period, **vars(ledger.spent(name, period))}
            for name in datasets
            for period in ledger.periods(name)
        ]
        if policy is not None:
            budget = policy.aggregates.budget
            current = period_key(budget.period)
            spent = ledger.spent(policy.dataset.name, current)
            left = remaining(budget, spent)
            rows = [row for row in rows if not (row["dataset"] == policy.dataset.name and row["period"] == current)]
            rows.append(
                {
                    "dataset": policy.dataset.name,
                    "period": current,
                    "epsilon": spent.epsilon,
                    "delta": spent.delta,
                    "budget_epsilon": budget.epsilon,
                    "budget_delta": budget.delta,
                    "remaining_epsilon": left.epsilon,
                    "remaining_delta": left.delta,
                }
            )
    finally:
        ledger.dispose()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'dataset':<24} {'period':<10} {'epsilon':>10} {'delta':>10} {'budget':>10} {'left':>10}")
    for row in rows:
        print(
            f"{row['dataset']:<24} {row['period']:<10} {row['epsilon']:>10.4g} {row['delta']:>10.3g} "
            f"{_number(row.get('budget_epsilon')):>10} {_number(row.get('remaining_epsilon')):>10}"
        )
    return 0


def show_history(args: argparse.Namespace) -> int:
    ledger = BudgetLedger.from_environment()
    try:
        entries = ledger.history(args.dataset)
    finally:
        ledger.dispose()
    if args.json:
        print(json.dumps([entry.as_json() for entry in entries], indent=2))
        return 0
    print(f"{'time (UTC)':<20} {'dataset':<20} {'period':<10} {'epsilon':>8} {'delta':>9}  {'status':<10} run")
    for entry in entries:
        print(_history_line(entry))
    return 0


def reset_budget(args: argparse.Namespace) -> int:
    if args.period != ALL_PERIODS and not args.period.strip():
        raise ConfigurationError("--period: give a period such as 2026-11, or leave it out to reset every period")
    ledger = BudgetLedger.from_environment()
    try:
        record = ledger.reset(args.dataset, reason=args.reason, actor=args.actor or getpass.getuser(), period=args.period)
    finally:
        ledger.dispose()
    scope = "every period" if record.period == ALL_PERIODS else record.period
    print(f"reset: {record.dataset}, {scope}, by {record.actor} ({record.detail}); recorded as audit entry {record.id}")
    return 0


def _history_line(entry: LedgerEntry) -> str:
    return (
        f"{entry.time.isoformat()[:19].replace('T', ' '):<20} {entry.dataset:<20} {entry.period:<10} "
        f"{entry.epsilon:>8.4g} {entry.delta:>9.3g}  {entry.status:<10} {entry.run_id}"
    )


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"
