"""No key leaks: run operators, the vault and the CLI with known keys, then scan everything they say.

Scanned: exception messages, reprs, operator stats, vault audit records and database bytes,
captured logs, stdout and stderr. Looked for: each key and each derived subkey, as raw bytes,
hex (both cases) and base64 (standard and urlsafe, with and without padding).
"""

from __future__ import annotations

import base64
import json
import logging
import os

import pandas as pd
import pytest

from anonymization_pipeline.cli import keys_command, main, reidentify_command
from anonymization_pipeline.core.errors import AnonymizerError
from anonymization_pipeline.core.keys import KeyProvider, encode_key_material, read_key_file
from anonymization_pipeline.core.operators import OperatorContext, get_operator
from anonymization_pipeline.core.vault import Vault

PURPOSES = [
    ("pseudonymize:hmac-sha256", 32),
    ("pseudonymize:blake2b", 32),
    ("encrypt:aes-256-gcm", 32),
    ("encrypt:aes-256-siv", 64),
    ("vault:aes-256-gcm", 32),
    ("date_shift:hmac-sha256", 32),
]


def leak_forms(secret: bytes) -> list[bytes]:
    encodings = [
        secret,
        secret.hex().encode(),
        secret.hex().upper().encode(),
        base64.b64encode(secret),
        base64.urlsafe_b64encode(secret),
    ]
    return encodings + [form.rstrip(b"=") for form in encodings[3:]]


def secrets_of(keys: KeyProvider) -> list[bytes]:
    found = []
    for name in keys.names():
        for version in keys.versions(name):
            key = keys.get(name, version)
            found += [key.material] + [key.derive(purpose, length) for purpose, length in PURPOSES]
    return found


def assert_nothing_leaks(keys: KeyProvider, *texts: str | bytes) -> None:
    forms = [form for secret in secrets_of(keys) for form in leak_forms(secret)]
    for text in texts:
        data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape")
        latin = text.encode("latin-1", "ignore") if isinstance(text, str) else b""
        leaked = [form for form in forms if form in data or (latin and form in latin)]
        assert not leaked, f"key material found in: {text[:200]!r}"


def run_anonymize(monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    """`anonymize ARGV` in-process through main, with the key and re-identification commands registered."""
    modules = [module for module in main.COMMAND_MODULES if module not in (keys_command, reidentify_command)]
    monkeypatch.setattr(main, "COMMAND_MODULES", [*modules, keys_command, reidentify_command])
    return main.main(list(argv))


def test_no_key_appears_in_messages_reprs_stats_audit_logs_or_output(tmp_path, monkeypatch, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    key_file = tmp_path / "keys.json"
    monkeypatch.setenv("ANONYMIZER_KEY_FILE", str(key_file))
    monkeypatch.setenv("ANONYMIZER_VAULT_URL", f"sqlite:///{tmp_path / 'vault.sqlite'}")
    for name in ("default", "pseudonyms", "storage"):
        monkeypatch.delenv(f"ANONYMIZER_KEY_{name.upper()}", raising=False)
    said: list[str] = []

    for argv in (
        ["keys", "generate", "default"],
        ["keys", "generate", "vault"],
        ["keys", "rotate", "default"],
        ["keys", "list"],
    ):
        assert run_anonymize(monkeypatch, *argv) == 0
    keys = KeyProvider.from_environment()
    context = OperatorContext("email", keys=keys, frame=pd.DataFrame({"who": ["a", "b", None]}), seed=1)
    column = pd.Series(["ann@example.com", "2024-01-02", None])

    runs = [
        ("pseudonymize", {"vault": True}),
        ("hash", {"algorithm": "blake2b"}),
        ("encrypt", {}),
        ("encrypt", {"deterministic": True}),
        ("encrypt", {"scheme": "fernet"}),
        ("date_shift", {"entity": "who", "max_days": 9}),
        ("fake", {"provider": "email", "pool_size": 10}),
    ]
    for name, params in runs:
        outcome = get_operator(name).operate(column, params, context)
        said += [json.dumps(outcome.stats, default=str), repr(outcome), repr(context)]
        if name == "encrypt":
            said.append(
                json.dumps(
                    get_operator("decrypt")
                    .operate(outcome.column, params and {k: v for k, v in params.items() if k == "scheme"}, context)
                    .stats
                )
            )
            tampered = outcome.column.fillna("").str[:-1]
            with pytest.raises(AnonymizerError) as raised:
                get_operator("decrypt").operate(tampered, {k: v for k, v in params.items() if k == "scheme"}, context)
            said.append(str(raised.value))

    token = get_operator("pseudonymize").operate(column, {}, context).column[0]
    assert run_anonymize(monkeypatch, "reidentify", token, "--reason", "leak test") == 0
    material = encode_key_material(keys.primary("default").material)
    mistakes = [
        lambda: get_operator("pseudonymize").validate({"key": material}),
        lambda: KeyProvider.from_environment({"ANONYMIZER_KEY_X": material[:-3]}),
        lambda: keys.get("default", 9),
        lambda: get_operator("decrypt").operate(column.fillna("").astype("str"), {}, context),
        lambda: Vault(os.environ["ANONYMIZER_VAULT_URL"]).reidentify(
            [token], reason="wrong key", actor="t", keys=KeyProvider.from_keys({"vault": bytes(32)})
        ),
    ]
    for mistake in mistakes:
        with pytest.raises(AnonymizerError) as raised:
            mistake()
        said.append(str(raised.value))
    key_file.chmod(0o644)
    assert run_anonymize(monkeypatch, "keys", "list") == 2
    key_file.chmod(0o600)

    vault = Vault(os.environ["ANONYMIZER_VAULT_URL"])
    said += [repr(record) for record in vault.audit_trail()] + [repr(vault)]
    vault.dispose()
    said += [repr(keys), repr(read_key_file(key_file)), repr(keys.primary("default"))]
    captured = capsys.readouterr()
    assert "ann@example.com" in captured.out
    assert_nothing_leaks(
        keys,
        *said,
        captured.out,
        captured.err,
        caplog.text,
        (tmp_path / "vault.sqlite").read_bytes(),
    )
    assert len(secrets_of(keys)) == 3 * (1 + len(PURPOSES))
