"""The differentially private release as an asset, and its blocking budget check.

`dp_aggregates` is the released table (written to `aggregates.output`); each materialization is
one release charged to the ledger, so it is never part of the scheduled job or of automation:
it runs when someone asks. ε and δ spent and remaining in the period are numeric metadata, so the
UI plots them across materializations.
"""

import dagster as dg

from anonymization_pipeline.core.dp import AggregateRelease, BudgetLedger, period_key, release_aggregates
from anonymization_pipeline.core.dp.ledger import remaining
from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.orchestration.assets import CODE_VERSION, dataset_settings
from anonymization_pipeline.orchestration.dataset import DatasetSpec

DP_GROUP = "differential_privacy"


def dp_definitions(spec: DatasetSpec) -> tuple[list[dg.AssetsDefinition], list[dg.AssetChecksDefinition]]:
    """The dataset's release asset and its budget check, for a policy with an `aggregates:` section.

    They sit in a group of their own (`<dataset>_differential_privacy`), outside the dataset's job,
    schedule and automation: each materialization spends budget, so it runs when someone asks."""
    if spec.policy.aggregates is None:
        return [], []
    key = spec.key("dp_aggregates")

    @dg.asset(
        key=key,
        group_name=f"{spec.name}_{DP_GROUP}",
        code_version=CODE_VERSION,
        kinds={"opendp"},
        owners=list(spec.policy.owners),
        tags=spec.tags,
        required_resource_keys={spec.settings_key},
    )
    def dp_aggregates(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        """Counts, sums, means, histograms and quantiles under differential privacy, each with its 95 %
        interval; refused (nothing written) when the period's budget cannot pay for them."""
        settings = dataset_settings(context, spec)
        policy = settings.policy()
        ledger = BudgetLedger.from_environment()
        try:
            release = release_aggregates(
                policy, run_id=context.run_id, ledger=ledger, input_location=settings.input_location(policy)
            )
        finally:
            ledger.dispose()
        return dg.MaterializeResult(metadata=release_metadata(release))

    @dg.asset_check(
        asset=key,
        name="budget_not_exceeded",
        blocking=True,
        description="ε and δ spent this period are within the budget",
        required_resource_keys={spec.settings_key},
    )
    def budget_not_exceeded(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        return budget_verdict(dataset_settings(context, spec).policy())

    return [dp_aggregates], [budget_not_exceeded]


def release_metadata(release: AggregateRelease) -> dict:
    return {
        "dataset": release.dataset,
        "period": release.period,
        "epsilon_released": release.epsilon,
        "delta_released": release.delta,
        "epsilon_spent": release.spent.epsilon,
        "epsilon_remaining": release.remaining.epsilon,
        "delta_spent": release.spent.delta,
        "delta_remaining": release.remaining.delta,
        "table_sha256": release.digest,
        "output": release.output,
        "rows_read": release.rows_read,
        "rows_truncated": release.rows_truncated,
        "dagster/row_count": len(release.table),
        "released_table": dg.MetadataValue.md(_markdown(release)),
    }


def budget_verdict(policy: Policy) -> dg.AssetCheckResult:
    """Whether what the dataset spent this period is within its budget, with the figures."""
    budget = policy.aggregates.budget
    period = period_key(budget.period)
    ledger = BudgetLedger.from_environment()
    try:
        spent = ledger.spent(policy.dataset.name, period)
    finally:
        ledger.dispose()
    left = remaining(budget, spent)
    within = spent.epsilon <= budget.epsilon * (1 + 1e-9) and spent.delta <= budget.delta * (1 + 1e-9)
    return dg.AssetCheckResult(
        passed=within,
        metadata={
            "period": period,
            "epsilon_spent": spent.epsilon,
            "epsilon_budget": budget.epsilon,
            "epsilon_remaining": left.epsilon,
            "delta_spent": spent.delta,
            "delta_budget": budget.delta,
        },
    )


def _markdown(release: AggregateRelease) -> str:
    """The released table (differentially private, so it may be shown)."""
    table = release.table.astype(object).where(release.table.notna(), "")
    header = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "---|" * len(table.columns)
    lines = ["| " + " | ".join(_cell(value) for value in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([header, rule, *lines])


def _cell(value: object) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)
