"""`anonymize keys`: generate, rotate, retire, list and re-encrypt, without ever printing a key."""

from __future__ import annotations

import argparse
import os
import stat

import pandas as pd
import pytest

from anonymization_pipeline.cli import keys_command, main, reidentify_command
from anonymization_pipeline.core.keys import KeyProvider, read_key_file
from anonymization_pipeline.core.operators import OperatorContext, get_operator
from anonymization_pipeline.core.vault import Vault


def run_anonymize(monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    """`anonymize ARGV` in-process through main (one-line errors, exit codes), with this command registered."""
    modules = [module for module in main.COMMAND_MODULES if module not in (keys_command, reidentify_command)]
    monkeypatch.setattr(main, "COMMAND_MODULES", [*modules, keys_command, reidentify_command])
    return main.main(list(argv))


@pytest.fixture
def key_file(tmp_path, monkeypatch):
    monkeypatch.setenv("ANONYMIZER_KEY_FILE", str(tmp_path / "keys.json"))
    return tmp_path / "keys.json"


def test_handlers_run_from_a_parser_of_our_own(key_file, capsys):
    parser = argparse.ArgumentParser()
    keys_command.add_parser(parser.add_subparsers())
    args = parser.parse_args(["keys", "generate", "pii"])
    assert args.func(args) == 0
    assert capsys.readouterr().out == f"created key pii:v1 in {key_file} (permissions 0600)\n"


def test_generate_rotate_list_retire(key_file, monkeypatch, capsys):
    assert run_anonymize(monkeypatch, "keys", "generate", "vault") == 0
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert run_anonymize(monkeypatch, "keys", "generate", "vault", "--exists-ok") == 0
    assert run_anonymize(monkeypatch, "keys", "rotate", "vault") == 0
    assert run_anonymize(monkeypatch, "keys", "list") == 0
    assert run_anonymize(monkeypatch, "keys", "retire", "vault", "v1") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"created key vault:v1 in {key_file} (permissions 0600)"
    assert out[1] == f"key 'vault' already exists in {key_file} (primary vault:v1); left unchanged"
    assert out[2] == f"vault:v2 is now the primary version of 'vault' in {key_file}; older versions still decrypt"
    assert out[4:8] == [
        "default: primary default:v1; versions v1",
        "pseudonyms: primary pseudonyms:v1; versions v1",
        "storage: primary storage:v1; versions v1",
        "vault: primary vault:v2; versions v1, v2",
    ]
    assert out[8] == f"retired vault:v1 from {key_file}"
    assert sorted(read_key_file(key_file)["vault"].versions) == [2]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["keys", "generate", "vault", "--key-file", ""],
            "error: no key file: pass --key-file PATH or set ANONYMIZER_KEY_FILE",
        ),
        (
            ["keys", "rotate", "nothing"],
            "error: key 'nothing' is not in {key_file}; create it with `anonymize keys generate nothing`",
        ),
        (["keys", "retire", "vault", "one"], "error: version: expected a number such as 1 or v1, got 'one'"),
        (
            ["keys", "generate", "Bad Name"],
            "error: 'Bad Name' is not a key name: use lower-case letters, digits and '_', starting with a letter and not ending in '_v<number>'",
        ),
        (["keys", "reencrypt", "vault"], "error: give --vault [URL] and/or --data LOCATION --columns COLUMN..."),
        (
            ["keys", "reencrypt", "vault", "--data", "x.csv"],
            "error: --data needs --columns: the encrypted columns to re-encrypt",
        ),
    ],
)
def test_mistakes_are_one_line_and_exit_code_2(key_file, monkeypatch, capsys, argv, message):
    run_anonymize(monkeypatch, "keys", "generate", "vault")
    if argv[-1] == "":
        monkeypatch.delenv("ANONYMIZER_KEY_FILE")
        argv = argv[:-2]
    capsys.readouterr()
    assert run_anonymize(monkeypatch, *argv) == 2
    assert capsys.readouterr().err == message.format(key_file=key_file) + "\n"


def test_a_world_readable_key_file_is_refused(key_file, monkeypatch, capsys):
    run_anonymize(monkeypatch, "keys", "generate", "vault")
    key_file.chmod(0o644)
    assert run_anonymize(monkeypatch, "keys", "list") == 2
    assert capsys.readouterr().err == (
        f"error: key file {key_file} has permissions 0644; it must be readable by its owner only: chmod 600 {key_file}\n"
    )


def test_reencrypt_moves_data_columns_and_vault_entries_to_the_new_version(key_file, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ANONYMIZER_VAULT_URL", f"sqlite:///{tmp_path / 'vault.sqlite'}")
    run_anonymize(monkeypatch, "keys", "generate", "pii")
    run_anonymize(monkeypatch, "keys", "generate", "vault")
    keys = KeyProvider.from_environment()
    context = OperatorContext("ssn", keys=keys)
    frame = pd.DataFrame({"ssn": ["123-45-6789", "987-65-4321"], "email": ["a@x.org", "b@x.org"]})
    frame["ssn"] = get_operator("encrypt").operate(frame["ssn"], {"key": "pii"}, context).column
    frame["email"] = get_operator("pseudonymize").operate(frame["email"], {"vault": True}, context).column
    data = tmp_path / "protected.parquet"
    frame.to_parquet(data)

    run_anonymize(monkeypatch, "keys", "rotate", "pii")
    run_anonymize(monkeypatch, "keys", "rotate", "vault")
    capsys.readouterr()
    assert run_anonymize(monkeypatch, "keys", "reencrypt", "pii", "--data", str(data), "--columns", "ssn") == 0
    assert run_anonymize(monkeypatch, "keys", "reencrypt", "vault", "--vault", "--actor", "ops") == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"re-encrypted under pii:v2 (ssn: 2) into Parquet file {data}",
        f"re-sealed 2 vault entries under vault:v2 in Vault('sqlite:///{tmp_path / 'vault.sqlite'}')",
    ]
    run_anonymize(monkeypatch, "keys", "retire", "pii", "1")
    run_anonymize(monkeypatch, "keys", "retire", "vault", "1")
    after = KeyProvider.from_environment()
    moved = pd.read_parquet(data)
    assert moved["ssn"].str.startswith("gcm:pii:v2:").all()
    decrypted = get_operator("decrypt").operate(moved["ssn"], {"key": "pii"}, OperatorContext("ssn", keys=after)).column
    assert decrypted.tolist() == ["123-45-6789", "987-65-4321"]
    vault = Vault(f"sqlite:///{tmp_path / 'vault.sqlite'}")
    assert vault.reidentify([moved["email"][0]], reason="check", actor="qa", keys=after) == {
        moved["email"][0]: "a@x.org"
    }
    vault.dispose()


@pytest.mark.parametrize("where", ["under a file", "in a read-only folder"])
def test_generate_into_an_unwritable_place_is_one_line_and_exit_2(tmp_path, capsys, where):
    """Finding 8: `keys generate` into an unwritable path ended in a traceback and exit 1."""
    if where == "under a file":
        (tmp_path / "file").write_text("x")
        target = tmp_path / "file" / "keys.json"
    else:
        folder = tmp_path / "locked"
        folder.mkdir(mode=0o500)
        target = folder / "keys.json"
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
    assert main.main(["keys", "generate", "pseudonyms", "--key-file", str(target)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith(f"error: cannot write the key file {target}: ")
