"""`--timings`: on every command, per phase and per import, printed to stderr."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import pytest

from anonymization_pipeline.cli.main import build_parser, main
from anonymization_pipeline.cli.timings import ImportClock

ANONYMIZE = str(Path(sys.executable).parent / "anonymize")


def _leaf_parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    nested = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    if not nested:
        yield path, parser
    for action in nested:
        for name, child in action.choices.items():
            yield from _leaf_parsers(child, (*path, name))


def test_every_command_and_sub_command_takes_timings():
    leaves = dict(_leaf_parsers(build_parser()))
    assert {("run",), ("validate",), ("policy", "schema"), ("demo",), ("audit",), ("attack",), ("reidentify",)} <= set(leaves)
    assert any(path[0] == "keys" for path in leaves)
    for path, parser in leaves.items():
        assert "--timings" in parser._option_string_actions, path


def test_the_import_clock_counts_each_package_once_for_its_own_time(tmp_path, monkeypatch):
    (tmp_path / "outer_pkg").mkdir()
    (tmp_path / "outer_pkg" / "__init__.py").write_text("import time\ntime.sleep(0.05)\nimport inner_pkg\n")
    (tmp_path / "inner_pkg.py").write_text("import time\ntime.sleep(0.2)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    clock = ImportClock(watched=frozenset({"outer_pkg", "inner_pkg"}))
    clock.install()
    try:
        started = time.perf_counter()
        import outer_pkg  # noqa: F401
        import inner_pkg  # noqa: F401 - already loaded: not counted again

        whole = time.perf_counter() - started
    finally:
        clock.uninstall()
        sys.modules.pop("outer_pkg", None)
        sys.modules.pop("inner_pkg", None)
    assert set(clock.seconds) == {"outer_pkg", "inner_pkg"}
    assert 0.2 <= clock.seconds["inner_pkg"] < whole
    assert 0.05 <= clock.seconds["outer_pkg"] < 0.2
    assert clock.seconds["outer_pkg"] + clock.seconds["inner_pkg"] == pytest.approx(whole, abs=0.05)


def test_the_console_script_prints_phases_and_imports_to_stderr(adult_policy_file):
    done = subprocess.run([ANONYMIZE, "validate", str(adult_policy_file()), "--timings"], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.startswith("policy OK: dataset 'adult'")
    assert done.stderr.startswith("timings (s):\n")
    assert any(line.strip().startswith("whole process") for line in done.stderr.splitlines())
    imports = done.stderr.split("imports (s, each package's own time):\n")[1].split()
    assert "pandas" in imports and "dagster" not in imports and "great_expectations" not in imports


def test_a_run_lists_its_steps_and_the_parts_of_the_risk_stage(adult_policy_file, tmp_path, capsys):
    assert main(["run", str(adult_policy_file()), "--report", str(tmp_path / "reports"), "--quiet", "--timings"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    names = [line.rsplit(maxsplit=1)[0].strip() for line in captured.err.splitlines()[1:] if line.startswith("  ")]
    for expected in (
        "load and validate the policy",
        "step adult/quasi_identifiers_generalized",
        "step adult/risk_assessment",
        "stage risk_assessment.validation_suite",
        "stage risk_assessment.plots",
        "command run, whole",
    ):
        assert expected in names, expected
