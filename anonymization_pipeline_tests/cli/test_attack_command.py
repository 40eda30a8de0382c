"""`anonymize attack`: the linkage attack from files, as text and JSON."""

from __future__ import annotations

import argparse
import json

import pandas as pd
import pytest

from anonymization_pipeline.cli import attack_command
from anonymization_pipeline.core.datasets import ADULT_QUASI_IDENTIFIERS, adult_hierarchy_path, load_adult
from anonymization_pipeline.core.errors import ConfigurationError, InputDataError

PUBLISHED = pd.DataFrame({"age": ["[20-29]", "[30-39]", "[30-39]", "[30-39]", "*"], "diagnosis": list("abcde")})
EXTERNAL = pd.DataFrame(
    {"full_name": list("ABCDE"), "age": ["25", "33", "45", "38", "22"], "benchmark_true_user_id": ["p1", "p2", None, "p5", None]}
)


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="anonymize")
    attack_command.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.fixture
def files(tmp_path):
    published, external, truth = tmp_path / "published.csv", tmp_path / "voters.csv", tmp_path / "truth.csv"
    PUBLISHED.to_csv(published, index=False)
    EXTERNAL.to_csv(external, index=False)
    pd.DataFrame({"benchmark_true_user_id": ["p1", "p2", "p3", "p4", "p5"]}).to_csv(truth, index=False)
    return published, external, truth


def test_json_result_with_ground_truth(files, capsys):
    published, external, truth = files
    assert run(["attack", str(published), "--external", str(external), "--on", "age", "--ground-truth", str(truth), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["attempts"] == 5
    assert result["uniquely_matched"] == 2
    assert result["matched_correctly"] == 1
    assert result["expected_success_rate"] == pytest.approx(4 / 15)


def test_text_result_without_ground_truth(files, capsys):
    published, external, _ = files
    assert run(["attack", str(published), "--external", str(external), "--on", "age"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "linkage attack on age (containment (ranges, hierarchy nodes, masks))"
    assert "  matched to exactly one record: 2" in lines
    assert not any("correctly" in line for line in lines)


def test_policy_hierarchies_decide_what_a_node_covers(tmp_path, capsys, adult_policy_file):
    adult = load_adult().head(3_000)
    table = pd.read_csv(adult_hierarchy_path("age"), sep=";", header=None, dtype=str, keep_default_na=False)
    published = adult.copy()
    published["age"] = adult["age"].map(dict(zip(table[0], table[1])))
    published.to_csv(tmp_path / "published.csv", index=False)
    adult.to_csv(tmp_path / "external.csv", index=False)
    on = ",".join(ADULT_QUASI_IDENTIFIERS)
    assert run(["attack", str(tmp_path / "published.csv"), "--external", str(tmp_path / "external.csv"), "--on", on, "--policy", str(adult_policy_file()), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["matched"] == 3_000


def test_an_empty_column_list_is_a_configuration_error(files):
    published, external, _ = files
    with pytest.raises(ConfigurationError, match="--on needs at least one column"):
        run(["attack", str(published), "--external", str(external), "--on", " , "])


def test_ground_truth_of_the_wrong_length_is_an_input_error(files, tmp_path):
    published, external, _ = files
    short = tmp_path / "short.csv"
    pd.DataFrame({"benchmark_true_user_id": ["p1"]}).to_csv(short, index=False)
    with pytest.raises(InputDataError, match="one row per published row"):
        run(["attack", str(published), "--external", str(external), "--on", "age", "--ground-truth", str(short)])
