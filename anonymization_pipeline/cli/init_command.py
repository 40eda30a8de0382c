"""`anonymize init`: set a project up once — its Dagster instance folder, its key file and the
project file (`anonymizer.yaml`) that lets every later command find both from this folder.

Keys are created here and only here, each one named as it is made. If the project file names a
key file that has gone missing, init refuses rather than make new keys where old ones were
expected (data protected under them would silently become unreadable); `--new-keys` says that
is what you want.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.core.keys import DEFAULT_KEY_NAME, generate_key, read_key_file
from anonymization_pipeline.core.policy import load_policy
from anonymization_pipeline.core.project import PROJECT_FILE, ProjectSettings, find_project, policy_files

STORAGE_KEY_NAME = "storage"
INSTANCE_CONFIG = "dagster.yaml"
DEFAULT_INSTANCE_CONFIG = "telemetry:\n  enabled: false\n"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    init = subparsers.add_parser("init", help="set up the project once: instance folder, keys, anonymizer.yaml")
    init.add_argument("--home", type=Path, default=Path(".dagster_home"), help="Dagster instance folder (default .dagster_home)")
    init.add_argument("--key-file", type=Path, help="key file (default: HOME/keys.json)")
    init.add_argument("--policies", type=Path, default=Path("examples/policies"), help="folder of policies (default examples/policies)")
    init.add_argument("--new-keys", action="store_true", help="create a new key file where the project expected one")
    init.set_defaults(func=init_project)


def init_project(args: argparse.Namespace) -> int:
    settings = set_up_project(Path.cwd(), args.home, args.key_file, args.policies, new_keys=args.new_keys)
    print(f"project file: {settings.root / PROJECT_FILE}; instance: {settings.dagster_home}; keys: {settings.key_file}")
    return 0


def set_up_project(
    root: Path, home: Path, key_file: Path | None, policies: Path, *, new_keys: bool = False
) -> ProjectSettings:
    """Create what is missing and say what was created; what exists is left as it is."""
    existing = find_project(root)
    if existing is not None and existing.root == root.resolve():
        settings = existing
        if not settings.key_file.exists() and not new_keys:
            raise ConfigurationError(
                f"{PROJECT_FILE} names the key file {settings.key_file}, which is missing; restore it, "
                "or run `anonymize init --new-keys` (what the old keys protected stays unreadable)"
            )
    else:
        home = (root / home).resolve()
        settings = ProjectSettings(root.resolve(), home, (root / key_file).resolve() if key_file else home / "keys.json", (root / policies).resolve())
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    instance_config = settings.dagster_home / INSTANCE_CONFIG
    if not instance_config.exists():
        template = settings.root / INSTANCE_CONFIG
        if template.is_file():
            shutil.copyfile(template, instance_config)
        else:
            instance_config.write_text(DEFAULT_INSTANCE_CONFIG, encoding="utf-8")
        print(f"created the Dagster instance folder {settings.dagster_home}")
    present = set(read_key_file(settings.key_file)) if settings.key_file.exists() else set()
    for name in sorted(needed_keys(settings.policies) - present):
        key = generate_key(settings.key_file, name)
        print(f"created key {key.key_id} in {settings.key_file} (mode 0600)")
    if existing is None or existing.root != settings.root:
        print(f"wrote {settings.write()}")
    return settings


def needed_keys(policies: Path) -> set[str]:
    """`storage` (stage files at rest), `default`, and every key a policy in the folder names."""
    names = {STORAGE_KEY_NAME, DEFAULT_KEY_NAME}
    for path in policy_files(policies):
        for field in load_policy(path).fields.values():
            names |= {field.params[name] for name in ("key", "vault_key") if isinstance(field.params.get(name), str)}
    return names
