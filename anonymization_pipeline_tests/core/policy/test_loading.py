from pathlib import Path

import pytest
import yaml

from anonymization_pipeline.core.errors import PolicyError
from anonymization_pipeline.core.policy import FieldClass, Policy, load_policy, validate_policy
from anonymization_pipeline.core.policy.model import CsvLocation, SqlLocation, TableHierarchy

REPO = Path(__file__).resolve().parents[3]
OPERATORS = "keep, drop, redact, mask, pseudonymize, hash, encrypt, decrypt, bucket, round, top_bottom_code, truncate_date, perturb, swap, date_shift, fake"


def minimal_policy(**changes) -> dict:
    document = {
        "version": 1,
        "dataset": {
            "name": "people",
            "input": {"format": "csv", "path": "in.csv", "delimiter": ";"},
            "output": {"format": "parquet", "path": "out/people.parquet"},
        },
        "fields": {
            "name": {"class": "direct_identifier", "method": "drop"},
            "age": {"class": "quasi_identifier", "hierarchy": {"intervals": [0, 18, 65, 120]}},
            "diagnosis": {"class": "sensitive", "method": "keep"},
        },
        "privacy": {"k": 5},
    }
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        target = document
        for part in parents:
            target = target[part]
        if value is None:
            del target[last]
        else:
            target[last] = value
    return document


def problems_of(document: dict) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        validate_policy(document)
    return caught.value.problems


def test_adult_example_loads_with_paths_resolved_against_the_policy_folder():
    policy = load_policy(REPO / "examples" / "policies" / "adult.yaml")
    assert policy.quasi_identifiers == [
        "sex", "age", "race", "marital-status", "education", "native-country", "workclass", "occupation",
        "salary-class",
    ]
    hierarchy = policy.fields["age"].hierarchy
    assert isinstance(hierarchy, TableHierarchy)
    assert hierarchy.table.is_file() and hierarchy.table.is_absolute()
    assert policy.privacy.k == 5 and policy.privacy.metric == "discernibility"


def test_relative_sqlite_url_resolves_against_the_policy_folder(tmp_path):
    document = minimal_policy(**{"dataset.output": {"format": "sql", "url": "sqlite:///out.db", "table": "people"}})
    (tmp_path / "policy.yaml").write_text(yaml.safe_dump(document))
    output = load_policy(tmp_path / "policy.yaml").dataset.output
    assert isinstance(output, SqlLocation)
    assert output.url == f"sqlite:///{tmp_path}/out.db"


def test_minimal_policy_defaults():
    policy = validate_policy(minimal_policy())
    assert policy.unlisted_columns == "reject"
    assert policy.privacy.max_suppression == 0.0 and policy.privacy.algorithm == "optimal"
    assert policy.fields["age"].effective_method == "generalize"
    assert policy.fields_of(FieldClass.SENSITIVE) == ["diagnosis"]
    assert policy.retention.intermediate_seconds == 7 * 86_400
    assert isinstance(policy.dataset.input, CsvLocation) and policy.dataset.input.delimiter == ";"


def test_fingerprint_ignores_formatting_but_not_meaning():
    first = validate_policy(minimal_policy())
    assert first.sha256() == Policy.model_validate(minimal_policy()).sha256()
    assert first.sha256() != validate_policy(minimal_policy(**{"privacy.k": 6})).sha256()


def test_escalation_rungs_apply_the_ladder_cumulatively():
    ladder = [{"max_suppression": 0.02}, {"max_suppression": 0.05}, {"algorithm": "mondrian"}, {"k": 10}]
    policy = validate_policy(minimal_policy(retry={"max_attempts": 4, "ladder": ladder}))
    assert policy.at_rung(0) is policy
    settings = [
        (p.privacy.k, p.privacy.max_suppression, p.privacy.algorithm)
        for p in (policy.at_rung(rung) for rung in range(1, 6))
    ]
    assert settings == [
        (5, 0.02, "optimal"),
        (5, 0.05, "optimal"),
        (5, 0.05, "mondrian"),
        (10, 0.05, "mondrian"),
        (10, 0.05, "mondrian"),
    ]
    assert policy.privacy.k == 5 and policy.sha256() != policy.at_rung(1).sha256()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"fields.age": {"class": "quasi_identifier", "method": "generalise", "hierarchy": {"prefix": [1, 0]}}},
            "fields.age.method: 'generalise' is not allowed: a quasi_identifier is generalized through its hierarchy",
        ),
        (
            {"fields.diagnosis.method": "generalise"},
            f"fields.diagnosis.method: 'generalise' is not one of: {OPERATORS}",
        ),
        ({"fields.diagnosis.method": None}, f"fields.diagnosis.method: a sensitive needs a method, one of: {OPERATORS}"),
        ({"fields.age.hierarchy": None}, "fields.age.hierarchy: a quasi_identifier needs a hierarchy"),
        ({"fields.name.params": {"bogus": 1}}, "fields.name.params.bogus: unknown parameter for 'drop'; allowed: none"),
        (
            {"fields.name.method": "keep"},
            "fields.name.method: 'keep' does not protect a direct identifier; "
            "use one of: drop, redact, mask, pseudonymize, hash, encrypt, fake",
        ),
        (
            {"fields.name": {"class": "direct_identifier", "method": "perturb", "params": {"scale": 1}}},
            "fields.name.method: 'perturb' does not protect a direct identifier; "
            "use one of: drop, redact, mask, pseudonymize, hash, encrypt, fake",
        ),
        (
            {"fields.name": {"class": "direct_identifier", "method": "redact", "params": {"replacement": 3}}},
            "fields.name.params.replacement: must be a string, got int",
        ),
        (
            {"fields.name.class": "identifier"},
            "fields.name.class: 'identifier' is not one of: 'direct_identifier', 'quasi_identifier', 'sensitive' or 'non_sensitive'",
        ),
        (
            {"fields.age.hierarchy": {"levels": 3}},
            "fields.age.hierarchy: a hierarchy is one of: {table: FILE}, {intervals: [...]}, {prefix: [...]}, {dates: [...]}",
        ),
        ({"fields.age.hierarchy": {"intervals": [0, 65, 18]}}, "fields.age.hierarchy.intervals: edges must be strictly increasing"),
        ({"fields.age.hierarchy": {"table": "nowhere.csv"}}, "fields.age.hierarchy.table: no hierarchy file at nowhere.csv"),
        ({"privacy.metric": "entropy"}, "privacy.metric: 'entropy' is not one of: 'discernibility', 'discernibility_monotonic', 'non_uniform_entropy', 'non_uniform_entropy_monotonic', 'loss' or 'aecs'"),
        ({"privacy.k": 0}, "privacy.k: Input should be greater than or equal to 1"),
        ({"privacy.max_suppression": 1.5}, "privacy.max_suppression: Input should be less than 1"),
        ({"privacy": None}, "'privacy' is required when a field is a quasi_identifier"),
        ({"privacy": {"max_suppression": 0.1}}, "privacy: give at least one of 'k', 'l_diversity', 't_closeness', 'beta_likeness', 'delta_disclosure'"),
        (
            {"privacy.l_diversity": {"attribute": "age", "l": 2}},
            "privacy: 'age' must be a field of class sensitive",
        ),
        (
            {"privacy.l_diversity": {"attribute": "diagnosis", "l": 2, "variant": "recursive"}},
            "privacy.l_diversity: recursive (c,l)-diversity needs 'c'",
        ),
        (
            {"privacy.t_closeness": {"attribute": "diagnosis", "t": 0.2, "distance": "hierarchical"}},
            "privacy.t_closeness: hierarchical distance needs a hierarchy on 'diagnosis'",
        ),
        ({"unlisted_columns": "keep"}, "unlisted_columns: 'keep' is not one of: 'reject' or 'drop'"),
        ({"version": 2}, "version: 2 is not one of: 1"),
        ({"retention": {"intermediate": "a week"}}, "retention.intermediate: 'a week' is not a duration like 7d, 12h or 30m"),
        ({"retention": {"final": "7d"}}, "retention.final: unknown key"),
        ({"retention": {"daily_arrivals": "1y"}}, "retention.daily_arrivals: '1y' is not a duration like 7d, 12h or 30m"),
        ({"dataset.input.path": None}, "dataset.input.path: required"),
        (
            {"dataset.input": {"format": "sql", "url": "sqlite:///x.db"}},
            "dataset.input: give exactly one of 'table' or 'query'",
        ),
        (
            {"dataset.output": {"format": "sql", "url": "sqlite:///x.db", "query": "select 1"}},
            "dataset.output: a SQL output needs 'table', not 'query'",
        ),
        (
            {"dataset.daily_partitions": {"start_date": "2026-11-01"}},
            "dataset: daily_partitions: the input path must contain {date}, e.g. data/users_{date}.csv",
        ),
        (
            {"dataset.input.path": "in_{date}.csv", "dataset.daily_partitions": {"start_date": "2026-11-01", "date_column": "day"}},
            "dataset: daily_partitions.date_column is for SQL inputs; a file input names its day in its path",
        ),
        (
            {
                "dataset.input": {"format": "sql", "url": "sqlite:///x.db", "table": "people"},
                "dataset.daily_partitions": {"start_date": "2026-11-01"},
            },
            "dataset: daily_partitions on a SQL input need 'table' and 'daily_partitions.date_column'",
        ),
        (
            {"dataset.input.path": "in_{date}.csv", "dataset.daily_partitions": {"start_date": "2026-11-02", "end_date": "2026-11-02"}},
            "dataset.daily_partitions: end_date must be after start_date (it is exclusive)",
        ),
        (
            {"dataset.input.path": "in_{date}.csv", "dataset.daily_partitions": {"start_date": "November"}},
            "dataset.daily_partitions.start_date: Input should be a valid date or datetime, input is too short",
        ),
        (
            {"engine": "spark", "dataset.input.path": "in_{date}.csv", "dataset.daily_partitions": {"start_date": "2026-11-01"}},
            "engine: spark reads its input whole; dataset.daily_partitions needs engine pandas",
        ),
        ({"retry": {"ladder": [{"k": 10}, {"colour": "red"}]}}, "retry.ladder: 'colour' is not a privacy setting; a rung may set: algorithm, beta_likeness, delta_disclosure, k, l_diversity, max_suppression, metric, suppression, t_closeness"),
    ],
)
def test_each_mistake_gives_one_line_naming_its_path(changes, expected):
    assert problems_of(minimal_policy(**changes)) == [expected]


def test_several_mistakes_give_one_line_each():
    problems = problems_of(minimal_policy(**{"privacy.k": 0, "fields.name.method": "nope"}))
    assert len(problems) == 2
    assert {line.split(":")[0] for line in problems} == {"privacy.k", "fields.name.method"}


def test_file_level_problems(tmp_path):
    with pytest.raises(PolicyError, match=r"missing.yaml: cannot read the policy file \(No such file or directory\)"):
        load_policy(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nfields: [unclosed\n")
    with pytest.raises(PolicyError, match=r"broken.yaml: not valid YAML at line 3, column 1"):
        load_policy(broken)
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text("just a string\n")
    with pytest.raises(PolicyError, match="a policy is a YAML mapping"):
        load_policy(scalar)


def test_the_linkage_attack_is_bounded_by_a_sample_size():
    attack = {"external": {"format": "csv", "path": "list.csv"}, "columns": ["age"]}
    assert validate_policy(minimal_policy(risk={"linkage_attack": attack})).risk.linkage_attack.sample_size == 10_000
    whole = validate_policy(minimal_policy(risk={"linkage_attack": attack | {"sample_size": None}}))
    assert whole.risk.linkage_attack.sample_size is None
    assert problems_of(minimal_policy(risk={"linkage_attack": attack | {"sample_size": 10}})) == [
        "risk.linkage_attack.sample_size: Input should be greater than or equal to 100"
    ]


# --- Issue 11, finding 7: the YAML itself, and ladder rungs -----------------------------------


def _policy_file(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("version: 1\nversion: 1\n", "duplicate key 'version' at line 2, column 1"),
        ("version: 1\nprivacy: {k: 5, k: 2}\n", "duplicate key 'k' at line 2, column 17"),
        ("a: &rung {k: 8}\nb: *rung\n", "anchors (&rung) are not allowed at line 1, column 4"),
        (
            "retry:\n  ladder:\n" + "".join(f"  - &r{i} [{', '.join([f'*r{i - 1}'] * 9) if i else 'k'}]\n" for i in range(9)),
            "anchors (&r0) are not allowed at line 3, column 5",
        ),
        ("a: " + "[" * 200 + "]" * 200 + "\n", "nested deeper than 12 levels at line 1, column 15"),
        (b"version: 1\n\xff\xfe\x00binary", "not UTF-8 text (byte 12 is not valid UTF-8)"),
        ("\x00\x01\x02", "not valid YAML"),
    ],
    ids=["duplicate top-level key", "duplicate nested key", "anchor and alias", "alias bomb", "deep nesting", "binary", "control bytes"],
)
def test_unsafe_yaml_is_refused_in_one_line(tmp_path, text, problem):
    path = _policy_file(tmp_path, text)
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    assert raised.value.problems == [f"{path}: {problem}"]


@pytest.mark.parametrize(
    ("ladder", "problem"),
    [
        ([{"k": 0}], "retry.ladder.0.k: Input should be greater than or equal to 1"),
        ([{"k": 8}, {"max_suppression": 1.5}], "retry.ladder.1.max_suppression: Input should be less than 1"),
        ([{"algorithm": "greedy"}], "retry.ladder.0.algorithm: Input should be 'optimal' or 'mondrian'"),
    ],
)
def test_every_ladder_rung_is_validated_as_a_privacy_section_at_load(ladder, problem):
    with pytest.raises(PolicyError) as raised:
        validate_policy(minimal_policy(retry={"max_attempts": 3, "ladder": ladder}))
    assert raised.value.problems == [problem]


def test_a_policy_loaded_again_is_validated_again_though_its_text_is_parsed_once(tmp_path):
    """A run loads its policy once per stage; the parse is shared, the checks on the disk are not."""
    hierarchy = tmp_path / "age.csv"
    hierarchy.write_text("30;*\n")
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(minimal_policy(**{"fields.age.hierarchy": {"table": "age.csv"}})))
    first, second = load_policy(path), load_policy(path)
    assert first == second and first.fields["age"].hierarchy.table == hierarchy
    hierarchy.unlink()
    with pytest.raises(PolicyError, match="no hierarchy file at"):
        load_policy(path)


def test_policies_loaded_from_the_same_file_share_no_list(tmp_path):
    path = tmp_path / "policy.yaml"
    document = minimal_policy(**{"fields.income": {"class": "sensitive", "method": "bucket", "params": {"edges": [0, 10, 100]}}})
    path.write_text(yaml.safe_dump(document))
    load_policy(path).fields["income"].params["edges"].append(1000)
    assert load_policy(path).fields["income"].params["edges"] == [0, 10, 100]
