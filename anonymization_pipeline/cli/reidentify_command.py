"""`anonymize reidentify TOKEN... --reason TEXT`: pseudonym tokens back to originals, always audited.

Needs the vault key (`ANONYMIZER_KEY_<NAME>` or the key file). Every attempt, including unknown
tokens and wrong or missing keys, is appended to the vault's audit trail with the actor (the OS user
unless `--actor`), the time, the reason and the tokens, before anything is printed.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os

from anonymization_pipeline.core.keys import KEY_FILE_VARIABLE, KeyProvider
from anonymization_pipeline.core.vault import VAULT_URL_VARIABLE, Vault, vault_url_from_environment


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    reidentify = subparsers.add_parser(
        "reidentify", help="look pseudonym tokens up in the vault (audited; needs the vault key)"
    )
    reidentify.add_argument("tokens", nargs="+", metavar="TOKEN", help="pseudonym tokens to re-identify")
    reidentify.add_argument("--reason", required=True, help="why, for the audit trail (e.g. a ticket number)")
    reidentify.add_argument("--actor", help="who asks, for the audit trail (default: the OS user)")
    reidentify.add_argument(
        "--vault", metavar="URL", help=f"the vault database (default: ${VAULT_URL_VARIABLE} or a SQLite file here)"
    )
    reidentify.add_argument("--key-file", metavar="PATH", help=f"the key file (default: ${KEY_FILE_VARIABLE})")
    reidentify.add_argument("--json", action="store_true", help="print a JSON object token → original")
    reidentify.set_defaults(func=reidentify_tokens)


def reidentify_tokens(args: argparse.Namespace) -> int:
    environ = dict(os.environ)
    if args.key_file:
        environ[KEY_FILE_VARIABLE] = args.key_file
    vault = Vault(args.vault or vault_url_from_environment(environ))
    try:
        originals = vault.reidentify(
            args.tokens,
            reason=args.reason,
            actor=args.actor or getpass.getuser(),
            keys=lambda: KeyProvider.from_environment(environ),
        )
    finally:
        vault.dispose()
    if args.json:
        print(json.dumps(originals, indent=2, ensure_ascii=False))
    else:
        for token, original in originals.items():
            print(f"{token}\t{original}")
    return 0
