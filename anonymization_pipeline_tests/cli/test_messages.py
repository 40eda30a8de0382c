"""No message quotes a value of the data (issue 11, finding 4).

Every error below is provoked with the raw identifiers of the input sitting exactly where the
problem is (in a column the hierarchy cannot read, a column the policy does not list, a value a
preset does not recognise, a published column). Every message our errors are built with, every
log record, and everything the CLI prints is collected, and none may contain a raw value.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from anonymization_pipeline.cli.main import main
from anonymization_pipeline.core import errors
from anonymization_pipeline_tests.small_case import SmallCase, write_small_case


class _Collector(logging.Handler):
    def __init__(self, texts: list[str]):
        super().__init__(logging.DEBUG)
        self.texts = texts

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(record.getMessage())


@pytest.fixture
def said(monkeypatch) -> Iterator[list[str]]:
    """Every error message built and every log record emitted during the test."""
    texts: list[str] = []
    original = errors.AnonymizerError.__init__

    def recording(self, *args, **kwargs):
        texts.extend(str(arg) for arg in args)
        original(self, *args, **kwargs)

    monkeypatch.setattr(errors.AnonymizerError, "__init__", recording)
    handler = _Collector(texts)
    root = logging.getLogger()
    root.addHandler(handler)
    yield texts
    root.removeHandler(handler)


def _with(case: SmallCase, field: str, column: list[str], spec: dict) -> SmallCase:
    frame = case.frame.assign(**{field: column})
    frame.to_csv(case.input, index=False)
    document = yaml.safe_load(case.policy.read_text())
    document["fields"][field] = spec
    case.policy.write_text(yaml.safe_dump(document))
    return SmallCase(case.policy, case.input, case.output, frame)


def _provocations(folder: Path) -> Iterator[tuple[str, SmallCase, list[str]]]:
    """(what is wrong, the case, extra CLI options)."""
    base = write_small_case(folder / "numbers")
    yield "ssns in an intervals hierarchy", _with(base, "zipcode", list(base.frame["ssn"]), {"class": "quasi_identifier", "hierarchy": {"intervals": [0, 100]}}), []
    base = write_small_case(folder / "dates")
    yield "emails in a dates hierarchy", _with(base, "born", list(base.frame["email"]), {"class": "quasi_identifier", "hierarchy": {"dates": ["year", "*"]}}), []
    base = write_small_case(folder / "perturb")
    yield "names under perturb", _with(base, "income", list(base.frame["name"]), {"class": "sensitive", "method": "perturb", "params": {"noise": "laplace", "scale": 1}}), []
    base = write_small_case(folder / "shift")
    yield "ssns under date_shift", _with(base, "visit", list(base.frame["ssn"]), {"class": "non_sensitive", "method": "date_shift", "params": {"max_days": 3, "entity": "source"}}), []
    base = write_small_case(folder / "reject")
    yield "names refused by the phone preset", _with(base, "phone", list(base.frame["name"]), {"class": "direct_identifier", "method": "mask", "params": {"preset": "phone", "on_unrecognized": "reject"}}), []
    base = write_small_case(folder / "unlisted")
    base.frame.assign(notes=base.frame["ssn"]).to_csv(base.input, index=False)
    yield "an unlisted column of ssns", base, []
    base = write_small_case(folder / "leak")
    yield "ssns published in a kept column", _with(base, "ticket", list(base.frame["ssn"]), {"class": "non_sensitive", "method": "keep"}), []
    base = write_small_case(folder / "table")
    table = folder / "table" / "zip.csv"
    table.write_text("10115;101**;*\n")
    yield "zipcodes missing from a hierarchy table", _with(base, "zipcode", list(base.frame["zipcode"]), {"class": "quasi_identifier", "hierarchy": {"table": str(table)}}), []


def test_no_message_the_suite_provokes_quotes_a_raw_value(tmp_path, capsys, said):
    provoked = []
    for what, case, options in _provocations(tmp_path):
        code = main(["run", str(case.policy), "--quiet", *options])
        err = capsys.readouterr().err
        assert code in (1, 2), f"{what}: exit {code}: {err}"
        provoked.append((what, err, case.raw_identifiers()))
    for what, err, raw_values in provoked:
        for text in [err, *said]:
            lowered = text.lower()
            leaked = [value for value in raw_values if value.lower() in lowered]
            assert not leaked, f"{what}: a message quotes {len(leaked)} raw value(s): {text[:200]}"
    assert len({err for _, err, _ in provoked}) == len(provoked)
