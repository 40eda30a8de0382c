"""The run report's typed model: what report.json holds, with its JSON Schema
(`anonymize report schema`).

The top level and the privacy criteria are typed; stage figures that other parts own (field
statistics, risk models, validation statistics) stay open objects of figures. Keys existing users
read are kept; new keys are only added.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from anonymization_pipeline.core.privacy.measurement import CriterionResult


class _Report(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)


class Tool(_Report):
    name: str
    version: str


class Rows(_Report):
    """Every input row is published as is, published generalized, or suppressed by rule."""

    rows_in: int
    rows_published: int
    rows_suppressed: int
    rows_generalized: int


class FieldReport(_Report):
    field_class: str = Field(alias="class")
    method: str


class PrivacySummary(_Report):
    """The search's result: the transformation, its loss, and what each criterion reaches."""

    algorithm: Literal["optimal", "mondrian"]
    transformation: dict[str, int | None]
    metric: str
    information_loss: float
    suppressed_rows: int
    suppression_limit: int
    nodes_checked: int
    equivalence_classes: int
    min_class_size: int
    k_achieved: int
    criteria: list[str]
    l_achieved: float | None = None
    t_achieved: float | None = None
    beta_achieved: float | None = None
    delta_achieved: float | None = None
    search_seconds: float


class RiskSummary(_Report):
    """The assessment: the criteria judged on the published classes and the risk models."""

    passed: bool
    failures: list[str]
    k_achieved: int | None
    equivalence_classes: int
    suppressed_rows: int
    criteria: list[CriterionResult] = Field(default_factory=list)
    sensitive: dict[str, dict[str, Any]]
    prosecutor: dict[str, Any]
    threshold_verdicts: dict[str, bool] = Field(default_factory=dict)
    """Per prosecutor figure a risk threshold bounds (`highest_risk`, `average_risk`,
    `records_at_risk`): whether it is within the policy's limit, as the gate judged it."""
    attack: dict[str, dict[str, Any]] = Field(default_factory=dict)


class ValidationReport(_Report):
    passed: bool
    results: list[dict[str, Any]]
    data_docs: str | None


class Assessment(_Report):
    """The risk_assessment stage's verdict on one candidate table, passed as it is to the release
    gate, the report, the Dagster checks and the asset's metadata. `candidate_sha256` binds it to
    the table it judged; `plots` are SVG documents by name (figures only, never a value)."""

    candidate_sha256: str
    passed: bool
    failures: list[str]
    risk: RiskSummary
    validation: ValidationReport
    plots: dict[str, str] = Field(default_factory=dict)
    seconds: float = 0.0
    timings: dict[str, float] = Field(default_factory=dict)


class RunReport(_Report):
    """report.json."""

    tool: Tool
    dataset: str
    policy_sha256: str
    status: Literal["published", "not_published"]
    output: str | None
    rows: Rows
    input: Any
    fields: dict[str, FieldReport]
    key_ids: list[str]
    dropped_unlisted: list[str]
    privacy: PrivacySummary | None
    failures: list[str]
    targets: list[dict[str, Any]] = Field(default_factory=list)
    """Each target the policy sets, its achieved figure beside its limit."""
    transformation_levels: dict[str, Any] = Field(default_factory=dict)
    """The transformation as level names (`age: 10-year bands`)."""
    why_k: str | None = None
    """Why k achieved exceeds the k asked for, when it does."""
    risk: RiskSummary
    validation: ValidationReport
    timings: dict[str, float]
    source: str

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data, with its published key names (`class`)."""
        return self.model_dump(mode="json", by_alias=True)


def report_schema() -> dict[str, Any]:
    """The JSON Schema of report.json.

    >>> report_schema()["title"]
    'RunReport'
    """
    return RunReport.model_json_schema(by_alias=True)
