"""Where the budget ledger lives: in the Dagster instance's own database.

The ledger must be shared by every run that spends a dataset's budget, wherever it runs, so it
sits with the instance: `ANONYMIZER_LEDGER_URL` when set; else the PostgreSQL database that
`$DAGSTER_HOME/dagster.yaml` configures for storage (`postgres_url` or `postgres_db`, values
possibly `{env: VAR}`); else a SQLite file `anonymizer_budget.sqlite` in `DAGSTER_HOME` (or in
`.dagster_home` when it is not set). The instance's config is read as YAML, without Dagster.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import URL

from anonymization_pipeline.core.errors import ConfigurationError

LEDGER_URL_VARIABLE = "ANONYMIZER_LEDGER_URL"
LEDGER_FILE = "anonymizer_budget.sqlite"


def ledger_url_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The ledger's SQLAlchemy URL.

    >>> ledger_url_from_environment({"DAGSTER_HOME": "/srv/dagster"})  # doctest: +SKIP
    'sqlite:////srv/dagster/anonymizer_budget.sqlite'
    """
    environ = os.environ if environ is None else environ
    if environ.get(LEDGER_URL_VARIABLE):
        return environ[LEDGER_URL_VARIABLE]
    home = Path(environ.get("DAGSTER_HOME") or ".dagster_home")
    postgres = _instance_postgres_url(home / "dagster.yaml", environ)
    if postgres is not None:
        return postgres
    return f"sqlite:///{(home / LEDGER_FILE).absolute()}"


def _instance_postgres_url(config_file: Path, environ: Mapping[str, str]) -> str | None:
    if not config_file.is_file():
        return None
    try:
        config = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        raise ConfigurationError(f"{config_file}: cannot read the instance configuration") from None
    storage = (config.get("storage") or {}) if isinstance(config, dict) else {}
    postgres = storage.get("postgres") if isinstance(storage, dict) else None
    if not isinstance(postgres, dict):
        return None
    if "postgres_url" in postgres:
        url = _value(postgres["postgres_url"], environ, config_file)
        return url.replace("postgresql+psycopg2://", "postgresql://", 1)
    db = postgres.get("postgres_db")
    if not isinstance(db, dict):
        return None
    port = db.get("port")
    return URL.create(
        "postgresql",
        username=_value(db.get("username"), environ, config_file),
        password=_value(db.get("password"), environ, config_file) if db.get("password") is not None else None,
        host=_value(db.get("hostname"), environ, config_file),
        port=int(_value(port, environ, config_file)) if port is not None else None,
        database=_value(db.get("db_name"), environ, config_file),
    ).render_as_string(hide_password=False)


def _value(setting: Any, environ: Mapping[str, str], config_file: Path) -> str:
    """A literal, or `{env: VAR}` read from the environment."""
    if isinstance(setting, dict) and "env" in setting:
        name = setting["env"]
        if not environ.get(name):
            raise ConfigurationError(f"{config_file}: storage names the environment variable {name}, which is not set")
        return environ[name]
    if setting is None:
        raise ConfigurationError(f"{config_file}: the PostgreSQL storage settings are incomplete")
    return str(setting)
