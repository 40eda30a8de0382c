"""`anonymize keys generate|rotate|retire|list|reencrypt`: key files and key rotation.

Keys live in the JSON key file named by `--key-file` or `ANONYMIZER_KEY_FILE` (0600), or in
`ANONYMIZER_KEY_<NAME>[_V<n>]` variables. No command ever prints key material: output names keys by
id (`pseudonyms:v2`). After `rotate`, new protection uses the new version while older versions still
decrypt; `reencrypt` moves ciphertexts and vault entries to the new version so that the old one can
be retired.
"""

from __future__ import annotations

import argparse
import getpass
import os
from pathlib import Path

from anonymization_pipeline.core.errors import ConfigurationError, InputDataError
from anonymization_pipeline.core.keys import (
    KEY_FILE_VARIABLE,
    KeyProvider,
    generate_key,
    read_key_file,
    retire_key_version,
    rotate_key,
)

SCHEMES = ("aes", "fernet")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    keys = subparsers.add_parser("keys", help="create, rotate and retire keys; re-encrypt under a new version")
    actions = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")

    generate = actions.add_parser("generate", help="add a new key (version 1) to the key file")
    generate.add_argument("name", help="key name, e.g. pseudonyms")
    generate.add_argument("--exists-ok", action="store_true", help="leave an existing key as it is instead of failing")
    _key_file_option(generate)
    generate.set_defaults(func=generate_command)

    rotate = actions.add_parser("rotate", help="add a new version of a key and make it primary")
    rotate.add_argument("name")
    _key_file_option(rotate)
    rotate.set_defaults(func=rotate_command)

    retire = actions.add_parser("retire", help="delete an old version (what it protected can no longer be read)")
    retire.add_argument("name")
    retire.add_argument("version", help="the version to delete, e.g. 1 or v1")
    _key_file_option(retire)
    retire.set_defaults(func=retire_command)

    listing = actions.add_parser("list", help="key names and versions (never the keys themselves)")
    _key_file_option(listing)
    listing.set_defaults(func=list_command)

    reencrypt = actions.add_parser(
        "reencrypt", help="re-encrypt ciphertexts or vault entries under the primary version"
    )
    reencrypt.add_argument("name", help="the key whose older versions to move away from")
    reencrypt.add_argument(
        "--vault",
        nargs="?",
        const="",
        metavar="URL",
        help="re-seal the vault's entries (default vault: ANONYMIZER_VAULT_URL)",
    )
    reencrypt.add_argument(
        "--data", metavar="LOCATION", help="a .csv/.parquet file or SQL URL#table holding ciphertexts"
    )
    reencrypt.add_argument("--columns", nargs="+", default=[], metavar="COLUMN", help="the encrypted columns of --data")
    reencrypt.add_argument(
        "--output", metavar="LOCATION", help="where to write the re-encrypted data (default: replace --data)"
    )
    reencrypt.add_argument(
        "--scheme", choices=SCHEMES, default="aes", help="the scheme the columns were encrypted with"
    )
    reencrypt.add_argument("--actor", help="who does this, for the vault's audit trail (default: the OS user)")
    _key_file_option(reencrypt)
    reencrypt.set_defaults(func=reencrypt_command)


def generate_command(args: argparse.Namespace) -> int:
    path = _key_file(args)
    existed = path.exists() and args.name in read_key_file(path)
    key = generate_key(path, args.name, exists_ok=args.exists_ok)
    if existed:
        print(f"key '{args.name}' already exists in {path} (primary {key.key_id}); left unchanged")
    else:
        print(f"created key {key.key_id} in {path} (permissions 0600)")
    return 0


def rotate_command(args: argparse.Namespace) -> int:
    path = _key_file(args)
    key = rotate_key(path, args.name)
    print(f"{key.key_id} is now the primary version of '{args.name}' in {path}; older versions still decrypt")
    print(
        f"next: anonymize keys reencrypt {args.name} --vault / --data ..., "
        f"then anonymize keys retire {args.name} <old version>"
    )
    return 0


def retire_command(args: argparse.Namespace) -> int:
    path = _key_file(args)
    text = args.version.lower().removeprefix("v")
    if not text.isdigit():
        raise ConfigurationError(f"version: expected a number such as 1 or v1, got {args.version!r}")
    retire_key_version(path, args.name, int(text))
    print(f"retired {args.name}:v{int(text)} from {path}")
    return 0


def list_command(args: argparse.Namespace) -> int:
    keys = _key_provider(args)
    if not keys.names():
        print(
            "no keys found (set ANONYMIZER_KEY_<NAME>, "
            "or create a key file with `anonymize keys generate NAME --key-file PATH`)"
        )
        return 0
    for name in keys.names():
        versions = ", ".join(f"v{version}" for version in keys.versions(name))
        print(f"{name}: primary {keys.primary(name).key_id}; versions {versions}")
    return 0


def reencrypt_command(args: argparse.Namespace) -> int:
    if args.vault is None and args.data is None:
        raise ConfigurationError("give --vault [URL] and/or --data LOCATION --columns COLUMN...")
    if args.data is not None and not args.columns:
        raise ConfigurationError("--data needs --columns: the encrypted columns to re-encrypt")
    keys = _key_provider(args)
    if args.vault is not None:
        from anonymization_pipeline.core.vault import Vault, vault_url_from_environment

        vault = Vault(args.vault or vault_url_from_environment())
        try:
            moved = vault.reencrypt(keys, args.name, actor=args.actor or getpass.getuser())
        finally:
            vault.dispose()
        print(f"re-sealed {moved} vault entries under {keys.primary(args.name).key_id} in {vault!r}")
    if args.data is not None:
        _reencrypt_data(args, keys)
    return 0


def _reencrypt_data(args: argparse.Namespace, keys: KeyProvider) -> None:
    from anonymization_pipeline.core.io.locations import describe_location, parse_location
    from anonymization_pipeline.core.io.reading import read_table
    from anonymization_pipeline.core.io.writing import write_table
    from anonymization_pipeline.core.operators import reencrypt_column

    source = parse_location(args.data)
    frame = read_table(source)
    missing = [column for column in args.columns if column not in frame.columns]
    if missing:
        raise InputDataError(f"{describe_location(source)} has no column {', '.join(repr(c) for c in missing)}")
    counts = {}
    for column in args.columns:
        frame[column], stats = reencrypt_column(frame[column], keys, args.name, args.scheme)
        counts[column] = stats["reencrypted"]
    target = parse_location(args.output) if args.output else source
    write_table(frame, target)
    summary = ", ".join(f"{column}: {count}" for column, count in counts.items())
    print(f"re-encrypted under {keys.primary(args.name).key_id} ({summary}) into {describe_location(target)}")


def _key_file_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--key-file", metavar="PATH", help=f"the key file (default: ${KEY_FILE_VARIABLE})")


def _key_file(args: argparse.Namespace) -> Path:
    name = args.key_file or os.environ.get(KEY_FILE_VARIABLE)
    if not name:
        raise ConfigurationError(f"no key file: pass --key-file PATH or set {KEY_FILE_VARIABLE}")
    return Path(name)


def _key_provider(args: argparse.Namespace) -> KeyProvider:
    environ = dict(os.environ)
    if args.key_file:
        environ[KEY_FILE_VARIABLE] = args.key_file
    return KeyProvider.from_environment(environ)
