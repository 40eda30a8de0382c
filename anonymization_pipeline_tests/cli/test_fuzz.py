"""Malformed policies and CSV bytes never end in a traceback or a wrong exit code (issue 11).

`anonymize validate` and `anonymize run` get random bytes, random YAML and mutated policies as the
policy, and random bytes or CSV-like text as the input. A refusal is exit 2 with `error:` lines
and nothing written; an input that happens to parse may run, but never ends in exit 3.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anonymization_pipeline.cli.main import main
from anonymization_pipeline_tests.small_case import small_policy_document, write_small_case

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**6), st.floats(allow_nan=False), st.text(max_size=12))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _mutated(path: tuple[str, ...], value: object) -> bytes:
    document = small_policy_document(Path("people.csv"), Path("out/people.csv"))
    node = document
    for key in path[:-1]:
        node = node[key] if isinstance(node.get(key), dict) else node.setdefault(key, {})
    node[path[-1]] = value
    return yaml.safe_dump(document).encode()


PATHS = st.sampled_from(
    [("version",), ("dataset", "input"), ("dataset", "name"), ("fields", "email", "params"), ("fields", "zipcode", "hierarchy"),
     ("privacy", "k"), ("privacy",), ("retry", "ladder"), ("retention", "intermediate"), ("unlisted_columns",), ("fields",)]
)
POLICIES = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(str.encode),
    st.builds(_mutated, PATHS, VALUES),
)


def _refused_in_lines(code: int, err: str) -> None:
    assert code == 2, err
    lines = err.splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), err
    assert "Traceback" not in err


@FUZZ
@given(policy=POLICIES)
def test_malformed_policies_are_refused_in_error_lines(tmp_path_factory, capsys, policy):
    folder = tmp_path_factory.mktemp("policy")
    path = folder / "policy.yaml"
    path.write_bytes(policy)
    for command in ("validate", "run"):
        code = main([command, str(path), "--quiet"] if command == "run" else [command, str(path)])
        err = capsys.readouterr().err
        if code == 0 and command == "validate":
            return  # the mutation happened to leave a valid policy
        _refused_in_lines(code, err)
    assert sorted(p.name for p in folder.rglob("*")) == ["policy.yaml"]


HEADER = b"name,email,ssn,zipcode,score,source\n"
CSV_BYTES = st.one_of(
    st.binary(min_size=1, max_size=400),
    st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=8), min_size=1, max_size=30).map(
        lambda cells: HEADER + ",".join(cells).encode() + b"\n"
    ),
    st.lists(st.sampled_from([b"a", b",", b'"', b"\n", b"\r", b"\x00", b"\xff", b";", b"1"]), max_size=60).map(b"".join),
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=CSV_BYTES)
def test_malformed_csv_input_is_refused_in_one_line(tmp_path_factory, capsys, data):
    folder = tmp_path_factory.mktemp("csv")
    case = write_small_case(folder)
    case.input.write_bytes(data)
    code = main(["run", str(case.policy), "--quiet"])
    err = capsys.readouterr().err
    assert code != 3 and "Traceback" not in err, err
    if code == 2:
        assert len(err.splitlines()) == 1 and err.startswith("error: "), err
        assert not case.output.exists()
        assert not [p for p in (folder / "out").rglob("*") if p.is_file()] if (folder / "out").exists() else True
    shutil.rmtree(folder)
