"""The policy file, version 1, as pydantic models.

A policy is data: for every column its class and the method that protects it, plus the privacy
targets the published output must meet. Everything is validated here, before any data is read,
so a mistake costs the user one line of error, not a half-finished run.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from anonymization_pipeline.core.operators import OperatorParameterError, get_operator, operator_names
from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.core.policy.operations import Owners, Schedule, Tags
from anonymization_pipeline.core.policy.engine import Engine

GENERALIZE = "generalize"


class FieldProblem(ValueError):
    """A validation problem located below the model that found it, e.g. at `params.keep_first`."""

    def __init__(self, subpath: str, reason: str):
        self.subpath = subpath
        self.reason = reason
        super().__init__(reason)


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _resolve(path: Path, info: ValidationInfo) -> Path:
    """Relative paths in a policy are relative to the policy file's folder, not to the shell."""
    base = (info.context or {}).get("base_dir")
    return path if path.is_absolute() or base is None else Path(base) / path


# --- Where data comes from and goes to -------------------------------------------------------


class CsvLocation(StrictModel):
    format: Literal["csv"]
    path: Path
    delimiter: str = Field(",", min_length=1, max_length=1)
    encoding: str = "utf-8"
    quotechar: str = Field('"', min_length=1, max_length=1)

    _resolve_path = field_validator("path")(_resolve)


class ParquetLocation(StrictModel):
    format: Literal["parquet"]
    path: Path

    _resolve_path = field_validator("path")(_resolve)


class SqlLocation(StrictModel):
    """A SQLAlchemy URL plus a table (read or write) or a query (read only)."""

    format: Literal["sql"]
    url: str
    table: str | None = None
    query: str | None = None
    batch_size: int = Field(100_000, ge=1)

    @field_validator("url")
    @classmethod
    def _resolve_sqlite_file(cls, url: str, info: ValidationInfo) -> str:
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and url != "sqlite://":
            return prefix + str(_resolve(Path(url[len(prefix) :]), info))
        return url

    def __repr__(self) -> str:
        from anonymization_pipeline.core.io.sql_engine import display_url

        target = f"table={self.table!r}" if self.table is not None else "query=..."
        return f"SqlLocation(url={display_url(self.url)!r}, {target})"

    __str__ = __repr__

    @model_validator(mode="after")
    def _table_or_query(self) -> SqlLocation:
        if (self.table is None) == (self.query is None):
            raise ValueError("give exactly one of 'table' or 'query'")
        return self


Location = Annotated[CsvLocation | ParquetLocation | SqlLocation, Field(discriminator="format")]


DATE_PLACEHOLDER = "{date}"


class DailyPartitions(StrictModel):
    """The input arrives by day: a file per day (`{date}` in its path, as YYYY-MM-DD), or the rows
    of a SQL table whose `date_column` falls on that day. `end_date` is exclusive; without it the
    days run up to yesterday."""

    start_date: date
    end_date: date | None = None
    date_column: str | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _end_after_start(self) -> DailyPartitions:
        if self.end_date is not None and self.end_date <= self.start_date:
            raise ValueError("end_date must be after start_date (it is exclusive)")
        return self


class Dataset(StrictModel):
    name: str = Field(min_length=1)
    input: Location
    output: Location
    daily_partitions: DailyPartitions | None = None

    @model_validator(mode="after")
    def _input_names_its_day(self) -> Dataset:
        daily = self.daily_partitions
        if daily is None:
            return self
        if isinstance(self.input, SqlLocation):
            if self.input.table is None or daily.date_column is None:
                raise ValueError("daily_partitions on a SQL input need 'table' and 'daily_partitions.date_column'")
        elif DATE_PLACEHOLDER not in str(self.input.path):
            raise ValueError(f"daily_partitions: the input path must contain {DATE_PLACEHOLDER}, e.g. data/users_{{date}}.csv")
        elif daily.date_column is not None:
            raise ValueError("daily_partitions.date_column is for SQL inputs; a file input names its day in its path")
        return self

    @field_validator("output")
    @classmethod
    def _output_is_a_table(cls, output: CsvLocation | ParquetLocation | SqlLocation):
        if isinstance(output, SqlLocation) and output.table is None:
            raise ValueError("a SQL output needs 'table', not 'query'")
        return output


# --- Hierarchies ----------------------------------------------------------------------------


class TableHierarchy(StrictModel):
    """ARX's format: one row per original value, one column per level, no header."""

    table: Path
    delimiter: str = Field(";", min_length=1, max_length=1)

    @field_validator("table")
    @classmethod
    def _existing_file(cls, path: Path, info: ValidationInfo) -> Path:
        path = _resolve(path, info)
        if not path.is_file():
            raise ValueError(f"no hierarchy file at {path}")
        return path


def strictly_increasing(edges: list[float]) -> list[float]:
    """Bin edges, as a policy gives them for intervals and histograms."""
    if any(b <= a for a, b in zip(edges, edges[1:])):
        raise ValueError("edges must be strictly increasing")
    return edges


class IntervalHierarchy(StrictModel):
    """Numeric bins at level 1, then pairs of bins merged level by level, then `*`."""

    intervals: list[float] = Field(min_length=2)

    _increasing = field_validator("intervals")(strictly_increasing)


class PrefixHierarchy(StrictModel):
    """Keep the first N characters, mask the rest; one level per N, longest first."""

    prefix: list[int] = Field(min_length=1)

    @field_validator("prefix")
    @classmethod
    def _decreasing(cls, lengths: list[int]) -> list[int]:
        if any(n < 0 for n in lengths) or any(b >= a for a, b in zip(lengths, lengths[1:])):
            raise ValueError("lengths must be non-negative and strictly decreasing")
        return lengths


DateLevel = Literal["day", "month", "quarter", "year", "*"]


class DateHierarchy(StrictModel):
    """Levels of date truncation, finest first; the default is day → month → year → `*`."""

    dates: list[DateLevel] = Field(default_factory=lambda: ["day", "month", "year", "*"], min_length=1)


def _hierarchy_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for kind in ("table", "intervals", "prefix", "dates"):
            if kind in value:
                return kind
    if isinstance(value, BaseModel):
        return {TableHierarchy: "table", IntervalHierarchy: "intervals", PrefixHierarchy: "prefix"}.get(
            type(value), "dates"
        )
    return None


HierarchySpec = Annotated[
    Annotated[TableHierarchy, Tag("table")]
    | Annotated[IntervalHierarchy, Tag("intervals")]
    | Annotated[PrefixHierarchy, Tag("prefix")]
    | Annotated[DateHierarchy, Tag("dates")],
    Discriminator(
        _hierarchy_kind,
        custom_error_type="hierarchy_kind",
        custom_error_message="a hierarchy is one of: {table: FILE}, {intervals: [...]}, {prefix: [...]}, {dates: [...]}",
    ),
]


# --- Fields ---------------------------------------------------------------------------------


class FieldClass(StrEnum):
    DIRECT_IDENTIFIER = "direct_identifier"
    QUASI_IDENTIFIER = "quasi_identifier"
    SENSITIVE = "sensitive"
    NON_SENSITIVE = "non_sensitive"


class FieldPolicy(StrictModel):
    """How one column is treated. Quasi-identifiers are generalized through their hierarchy."""

    field_class: FieldClass = Field(alias="class")
    method: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    hierarchy: HierarchySpec | None = None

    @model_validator(mode="after")
    def _method_fits_class(self) -> FieldPolicy:
        if self.field_class is FieldClass.QUASI_IDENTIFIER:
            if self.method not in (None, GENERALIZE):
                raise FieldProblem("method", f"'{self.method}' is not allowed: a quasi_identifier is generalized through its hierarchy")
            if self.hierarchy is None:
                raise FieldProblem("hierarchy", "a quasi_identifier needs a hierarchy")
            return self
        if self.method is None:
            raise FieldProblem("method", f"a {self.field_class.value} needs a method, one of: {', '.join(operator_names())}")
        try:
            operator = get_operator(self.method)
            operator.validate(self.params)
        except OperatorParameterError as error:
            raise FieldProblem(f"params.{error.parameter}", error.reason) from None
        except ConfigurationError as error:
            raise FieldProblem("method", str(error)) from None
        if self.field_class is FieldClass.DIRECT_IDENTIFIER and not operator.protects_identifiers:
            protecting = [name for name in operator_names() if get_operator(name).protects_identifiers]
            raise FieldProblem(
                "method", f"'{self.method}' does not protect a direct identifier; use one of: {', '.join(protecting)}"
            )
        return self

    @property
    def effective_method(self) -> str:
        return self.method or GENERALIZE


# --- Privacy, risk, retry -------------------------------------------------------------------


class LDiversity(StrictModel):
    attribute: str
    l: float = Field(ge=1)
    variant: Literal["distinct", "entropy", "recursive"] = "distinct"
    c: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _variant_parameters(self) -> LDiversity:
        if self.variant == "recursive" and self.c is None:
            raise ValueError("recursive (c,l)-diversity needs 'c'")
        if self.variant != "entropy" and self.l != int(self.l):
            raise ValueError(f"l must be a whole number for the {self.variant} variant")
        return self


class TCloseness(StrictModel):
    """`reference: input` (ARX's definition) compares each class with the whole input's
    distribution; `published` with the distribution of the rows that are published in a class."""

    attribute: str
    t: float = Field(gt=0, le=1)
    distance: Literal["equal", "hierarchical", "ordered"] = "equal"
    reference: Literal["input", "published"] = "input"


class BetaLikeness(StrictModel):
    """β-likeness (Cao & Karras, VLDB 2012): no value is more than β times more frequent, relatively,
    in a class than in the input; `enhanced` also bounds the gain by -ln(frequency in the input)."""

    attribute: str
    beta: float = Field(gt=0)
    variant: Literal["basic", "enhanced"] = "basic"


class DeltaDisclosure(StrictModel):
    """δ-disclosure privacy (Brickell & Shmatikov, KDD 2008): |log2(share in class / share in input)| < δ
    for every value present in a class."""

    attribute: str
    delta: float = Field(gt=0)


Metric = Literal[
    "discernibility",
    "discernibility_monotonic",
    "non_uniform_entropy",
    "non_uniform_entropy_monotonic",
    "loss",
    "aecs",
]


class Privacy(StrictModel):
    k: int | None = Field(None, ge=1)
    max_suppression: float = Field(0.0, ge=0, lt=1)
    l_diversity: LDiversity | None = None
    t_closeness: TCloseness | None = None
    beta_likeness: BetaLikeness | None = None
    delta_disclosure: DeltaDisclosure | None = None
    metric: Metric = "non_uniform_entropy"
    algorithm: Literal["optimal", "mondrian"] = "optimal"
    suppression: Literal["mask", "remove"] = "mask"

    @model_validator(mode="after")
    def _some_criterion(self) -> Privacy:
        if self.k is None and not self.attribute_criteria():
            raise ValueError(f"give at least one of 'k', {', '.join(repr(name) for name in ATTRIBUTE_CRITERIA)}")
        return self

    def attribute_criteria(self) -> dict[str, LDiversity | TCloseness | BetaLikeness | DeltaDisclosure]:
        """The configured sections that measure a sensitive attribute, by section name."""
        return {name: getattr(self, name) for name in ATTRIBUTE_CRITERIA if getattr(self, name) is not None}


ATTRIBUTE_CRITERIA = ("l_diversity", "t_closeness", "beta_likeness", "delta_disclosure")
MEASURABLE_METHODS = frozenset({"keep", "redact", "mask", "bucket", "round", "top_bottom_code", "truncate_date"})
"""Methods a measured sensitive attribute may have: row-local and deterministic without a key, so
the search measures the values that will be published (it applies them first) and the
assessment can measure the same input distribution again."""


class GroundTruth(StrictModel):
    """Hidden person ids for a benchmark: a column of the raw input and one of the external list.
    Neither is ever published; they only let the simulation count correct matches."""

    input: str
    external: str


class LinkageAttack(StrictModel):
    """An identified external list (e.g. a voter roll) the assessment links to the candidate.

    A longer list than `sample_size` is attacked through a seeded random sample of that many people
    (null: the whole list), and the report gives each figure's 95 % confidence interval."""

    external: Location
    columns: list[str] = Field(min_length=1)
    ground_truth: GroundTruth | None = None
    sample_size: int | None = Field(10_000, ge=100)


class Risk(StrictModel):
    max_prosecutor_risk: float = Field(1.0, gt=0, le=1)
    max_average_risk: float = Field(1.0, gt=0, le=1)
    max_records_at_risk: float = Field(1.0, ge=0, le=1)
    record_risk_threshold: float = Field(0.2, gt=0, le=1)
    sampling_fraction: float = Field(1.0, gt=0, le=1)
    population: Location | None = None
    linkage_attack: LinkageAttack | None = None


class Retry(StrictModel):
    max_attempts: int = Field(1, ge=1, le=20)
    ladder: list[dict[str, Any]] = Field(default_factory=list)

    @field_validator("ladder")
    @classmethod
    def _rungs_override_privacy(cls, ladder: list[dict[str, Any]]) -> list[dict[str, Any]]:
        allowed = set(Privacy.model_fields)
        for rung in ladder:
            unknown = sorted(set(rung) - allowed)
            if unknown:
                raise ValueError(f"'{unknown[0]}' is not a privacy setting; a rung may set: {', '.join(sorted(allowed))}")
        return ladder

    def check_rungs(self, privacy: Privacy | None) -> None:
        """Each rung, applied on top of those below it, must be a valid `privacy` section: a bad
        rung is found when the policy loads, not when escalation reaches it."""
        if self.ladder and privacy is None:
            raise FieldProblem("retry.ladder", "escalation changes the 'privacy' section, which this policy lacks")
        overrides: dict[str, Any] = {}
        for index, rung in enumerate(self.ladder):
            overrides.update(rung)
            try:
                Privacy.model_validate({**privacy.model_dump(), **overrides})
            except ValidationError as error:
                problem = error.errors()[0]
                where = ".".join(str(part) for part in problem["loc"])
                raise FieldProblem(
                    f"retry.ladder.{index}" + (f".{where}" if where else ""), problem["msg"].removeprefix("Value error, ")
                ) from None


_DURATION = re.compile(r"^(\d+)([dhm])$")
_UNIT_SECONDS = {"d": 86_400, "h": 3_600, "m": 60}


class Retention(StrictModel):
    """How long personal data (encrypted) is kept: intermediate stage files after a publish, and
    days of an input that arrives by day after the day ended (none: kept, every day is published)."""

    intermediate: str = "7d"
    daily_arrivals: str | None = None

    @field_validator("intermediate", "daily_arrivals")
    @classmethod
    def _duration(cls, text: str | None) -> str | None:
        if text is not None and not _DURATION.match(text):
            raise ValueError(f"'{text}' is not a duration like 7d, 12h or 30m")
        return text

    @property
    def intermediate_seconds(self) -> int:
        return _seconds(self.intermediate)

    @property
    def daily_arrivals_seconds(self) -> int | None:
        return None if self.daily_arrivals is None else _seconds(self.daily_arrivals)


def _seconds(duration: str) -> int:
    amount, unit = _DURATION.match(duration).groups()
    return int(amount) * _UNIT_SECONDS[unit]


class Policy(StrictModel):
    """A whole policy file. Build it with `Policy.from_yaml(path)` or `Policy.model_validate(dict)`."""

    version: Literal[1]
    dataset: Dataset
    unlisted_columns: Literal["reject", "drop"] = "reject"
    fields: dict[str, FieldPolicy] = Field(min_length=1)
    privacy: Privacy | None = None
    risk: Risk = Field(default_factory=Risk)
    retry: Retry = Field(default_factory=Retry)
    retention: Retention = Field(default_factory=Retention)
    synthetic: Synthetic | None = None
    aggregates: Aggregates | None = None
    schedule: Schedule = Field(default_factory=Schedule)
    owners: Owners = Field(default_factory=list)
    tags: Tags = Field(default_factory=dict)
    _source_sha256: str | None = PrivateAttr(None)
    engine: Engine = "pandas"

    @model_validator(mode="after")
    def _spark_reads_whole_inputs(self) -> Policy:
        """The Spark engine reads one input whole and has no stored days to union
        (`stages.union_of_days`): the combination is refused when the policy loads, for the CLI
        and Dagster alike."""
        if self.engine == "spark" and self.dataset.daily_partitions is not None:
            raise ValueError("engine: spark reads its input whole; dataset.daily_partitions needs engine pandas")
        return self

    @model_validator(mode="after")
    def _attack_on_quasi_identifiers(self) -> Policy:
        attack = self.risk.linkage_attack
        if attack is not None:
            unknown = [name for name in attack.columns if name not in self.quasi_identifiers]
            if unknown:
                raise ValueError(f"risk.linkage_attack.columns: {', '.join(unknown)} must be quasi_identifier fields")
        return self

    @model_validator(mode="after")
    def _ladder_rungs_are_policies(self) -> Policy:
        self.retry.check_rungs(self.privacy)
        return self

    @model_validator(mode="after")
    def _privacy_matches_fields(self) -> Policy:
        if self.privacy is None:
            if self.quasi_identifiers:
                raise ValueError("'privacy' is required when a field is a quasi_identifier")
            return self
        for section, criterion in self.privacy.attribute_criteria().items():
            target = self.fields.get(criterion.attribute)
            if target is None or target.field_class is not FieldClass.SENSITIVE:
                raise ValueError(f"privacy: '{criterion.attribute}' must be a field of class sensitive")
            if target.effective_method not in MEASURABLE_METHODS:
                raise ValueError(
                    f"privacy.{section}: '{criterion.attribute}' is protected with '{target.effective_method}', which is not "
                    "row-local and deterministic, so the values measured would not be the values published; "
                    f"use one of {', '.join(sorted(MEASURABLE_METHODS))}"
                )
        closeness = self.privacy.t_closeness
        if closeness and closeness.distance == "hierarchical" and self.fields[closeness.attribute].hierarchy is None:
            raise ValueError(f"privacy.t_closeness: hierarchical distance needs a hierarchy on '{closeness.attribute}'")
        return self

    @model_validator(mode="after")
    def _synthetic_has_a_budget(self) -> Policy:
        if self.synthetic is not None:
            synthetic_budget(self.synthetic, self.aggregates)
        return self

    @property
    def quasi_identifiers(self) -> list[str]:
        return [name for name, f in self.fields.items() if f.field_class is FieldClass.QUASI_IDENTIFIER]

    def fields_of(self, field_class: FieldClass) -> list[str]:
        return [name for name, f in self.fields.items() if f.field_class is field_class]

    def sha256(self) -> str:
        """The SHA-256 of the policy file's bytes (what `sha256sum policy.yaml` prints), so an
        auditor can match a release to the file; for a policy built in code, of its meaning."""
        if self._source_sha256 is not None:
            return self._source_sha256
        canonical = json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def with_privacy(self, **overrides: Any) -> Policy:
        """A copy with some privacy settings replaced."""
        if self.privacy is None:
            raise ConfigurationError("this policy has no 'privacy' section to escalate")
        privacy = Privacy.model_validate({**self.privacy.model_dump(), **overrides})
        return self.model_copy(update={"privacy": privacy})

    def at_rung(self, rung: int) -> Policy:
        """The policy of escalation rung `rung`: rung 0 is the file as written, rung n applies the
        first n steps of `retry.ladder` on top of each other (rungs past the ladder repeat its top)."""
        if rung == 0 or not self.retry.ladder:
            return self
        overrides: dict[str, Any] = {}
        for step in self.retry.ladder[:rung]:
            overrides.update(step)
        return self.with_privacy(**overrides)

    @classmethod
    def from_yaml(cls, path: str | Path) -> Policy:
        from anonymization_pipeline.core.policy.loading import load_policy

        return load_policy(path)


from anonymization_pipeline.core.policy.synthetic import Synthetic, synthetic_budget  # noqa: E402  (it builds on StrictModel and Location above)
from anonymization_pipeline.core.policy.aggregates import Aggregates  # noqa: E402  (it builds on the models above)

Policy.model_rebuild()
