"""`anonymize reidentify`: originals for authorised use, and an audit record for every attempt."""

from __future__ import annotations

import getpass
import hashlib
import json

import pandas as pd
import pytest

from anonymization_pipeline.cli import keys_command, main, reidentify_command
from anonymization_pipeline.core.keys import KeyProvider, encode_key_material
from anonymization_pipeline.core.operators import OperatorContext, get_operator
from anonymization_pipeline.core.vault import Vault

VAULT_KEY = hashlib.sha256(b"vault").digest()


def run_anonymize(monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    """`anonymize ARGV` in-process through main (one-line errors, exit codes), with this command registered."""
    modules = [module for module in main.COMMAND_MODULES if module not in (keys_command, reidentify_command)]
    monkeypatch.setattr(main, "COMMAND_MODULES", [*modules, keys_command, reidentify_command])
    return main.main(list(argv))


@pytest.fixture
def tokens(tmp_path, monkeypatch) -> list[str]:
    monkeypatch.setenv("ANONYMIZER_VAULT_URL", f"sqlite:///{tmp_path / 'vault.sqlite'}")
    monkeypatch.setenv("ANONYMIZER_KEY_VAULT", encode_key_material(VAULT_KEY))
    column = pd.Series(["ann@example.com", "bob@example.com"])
    context = OperatorContext("email", keys=KeyProvider.from_environment())
    return get_operator("pseudonymize").operate(column, {"prefix": "e_", "vault": True}, context).column.tolist()


def audit(tmp_path) -> list:
    vault = Vault(f"sqlite:///{tmp_path / 'vault.sqlite'}")
    records = vault.audit_trail()
    vault.dispose()
    return records


def test_prints_originals_and_records_the_os_user_and_reason(tokens, monkeypatch, capsys, tmp_path):
    assert run_anonymize(monkeypatch, "reidentify", *tokens, "--reason", "DSAR 2024-17") == 0
    assert capsys.readouterr().out == f"{tokens[0]}\tann@example.com\n{tokens[1]}\tbob@example.com\n"
    (record,) = audit(tmp_path)
    assert (record.actor, record.reason, record.tokens, record.outcome) == (
        getpass.getuser(),
        "DSAR 2024-17",
        tokens,
        "ok",
    )


def test_json_output_and_an_explicit_actor(tokens, monkeypatch, capsys, tmp_path):
    assert (
        run_anonymize(monkeypatch, "reidentify", tokens[1], "--reason", "fraud case", "--actor", "dpo", "--json") == 0
    )
    assert json.loads(capsys.readouterr().out) == {tokens[1]: "bob@example.com"}
    assert audit(tmp_path)[0].actor == "dpo"


def test_wrong_key_unknown_token_and_missing_reason_fail_clearly_and_lookups_are_audited(
    tokens, monkeypatch, capsys, tmp_path
):
    assert run_anonymize(monkeypatch, "reidentify", tokens[0], "e_0000000000000000", "--reason", "r1") == 2
    monkeypatch.setenv("ANONYMIZER_KEY_VAULT", encode_key_material(hashlib.sha256(b"another vault").digest()))
    assert run_anonymize(monkeypatch, "reidentify", tokens[0], "--reason", "r2") == 2
    monkeypatch.delenv("ANONYMIZER_KEY_VAULT")
    assert run_anonymize(monkeypatch, "reidentify", tokens[0], "--reason", "r3") == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "error: nothing re-identified: 1 of 2 tokens are not in the vault (token no. 2)"
    assert (
        err[1]
        == "error: nothing re-identified: the key vault:v1 from the key provider does not open these entries (wrong key)"
    )
    assert err[2].startswith("error: key 'vault' not found in environment variables ANONYMIZER_KEY_<NAME>")
    assert [(r.reason, r.outcome) for r in audit(tmp_path)] == [
        ("r1", "unknown_tokens"),
        ("r2", "wrong_key"),
        ("r3", "key_missing"),
    ]
    with pytest.raises(SystemExit):
        run_anonymize(monkeypatch, "reidentify", tokens[0])
    assert "the following arguments are required: --reason" in capsys.readouterr().err
    assert run_anonymize(monkeypatch, "reidentify", tokens[0], "--reason", " ") == 2
    assert capsys.readouterr().err == "error: re-identification needs a reason\n"
