"""A SQLAlchemy URL, as policies write it, turned into Spark's JDBC options.

Credentials go into Spark's `user`/`password` options, never into a message.
"""

from __future__ import annotations

from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.core.io.sql_engine import display_url, parse_sql_url

_JDBC_SCHEMES = {"postgresql": "postgresql", "mysql": "mysql", "mssql": "sqlserver", "oracle": "oracle"}


def jdbc_options(url: str) -> dict[str, str]:
    """Spark's `url`, `user` and `password` options for a SQLAlchemy URL.

    >>> jdbc_options("postgresql://postgres@127.0.0.1:5432/test")
    {'url': 'jdbc:postgresql://127.0.0.1:5432/test', 'user': 'postgres'}
    """
    parsed = parse_sql_url(url)
    backend = parsed.get_backend_name()
    scheme = _JDBC_SCHEMES.get(backend)
    if scheme is None or not parsed.host:
        raise ConfigurationError(
            f"engine spark reads and writes SQL over JDBC; {display_url(url)} is not a networked "
            f"{', '.join(sorted(_JDBC_SCHEMES))} database"
        )
    port = f":{parsed.port}" if parsed.port else ""
    options = {"url": f"jdbc:{scheme}://{parsed.host}{port}/{parsed.database or ''}"}
    if parsed.username:
        options["user"] = parsed.username
    if parsed.password:
        options["password"] = parsed.password
    return options
