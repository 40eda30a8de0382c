"""A SQLAlchemy URL, as policies write it, turned into Spark's JDBC options.

Credentials go into Spark's `user`/`password` options, never into a message.
"""

from __future__ import annotations

from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.core.io.sql_engine import display_url, parse_sql_url

_JDBC_SCHEMES = {"postgresql": "postgresql", "mysql": "mysql", "mssql": "sqlserver", "oracle": "oracle"}
_DRIVERS = {
    "postgresql": "org.postgresql.Driver",
    "mysql": "com.mysql.cj.jdbc.Driver",
    "mssql": "com.microsoft.sqlserver.jdbc.SQLServerDriver",
    "oracle": "oracle.jdbc.OracleDriver",
}
"""Named to Spark, which then loads the class from its own class path (`spark.jars`); Java's
driver lookup by URL does not search jars added after the JVM started."""


def jdbc_options(url: str) -> dict[str, str]:
    """Spark's `url`, `user` and `password` options for a SQLAlchemy URL.

    >>> jdbc_options("postgresql://postgres@127.0.0.1:5432/test")
    {'url': 'jdbc:postgresql://127.0.0.1:5432/test', 'driver': 'org.postgresql.Driver', 'user': 'postgres'}
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
    options = {"url": f"jdbc:{scheme}://{parsed.host}{port}/{parsed.database or ''}", "driver": _DRIVERS[backend]}
    if parsed.username:
        options["user"] = parsed.username
    if parsed.password:
        options["password"] = parsed.password
    return options


def missing_driver(error: Exception) -> bool:
    """Whether a Spark JDBC failure is the driver class missing from Spark's classpath."""
    text = str(error)
    return "No suitable driver" in text or "ClassNotFoundException" in text


def driver_error(url: str) -> ConfigurationError:
    """The one line for a JDBC driver Spark cannot load, saying where it comes from."""
    backend = parse_sql_url(url).get_backend_name()
    hint = " (Debian's libpostgresql-jdbc-java installs /usr/share/java/postgresql.jar)" if backend == "postgresql" else ""
    return ConfigurationError(f"engine spark: no {backend} JDBC driver on Spark's classpath; add its jar with spark.jars or spark.jars.packages{hint}")


def jdbc_problem(error: Exception) -> str:
    """Why a Spark JDBC read or write failed, in words that name no value of the data: the SQL
    state of the database's refusal (`42P01`: no such table), never the database's message, which
    may quote a value; the error's type when no database refused anything."""
    state = _sql_state(getattr(error, "java_exception", None))
    return f"the database refused it (SQL state {state})" if state else type(error).__name__


def _sql_state(java: object | None) -> str | None:
    """The first SQL state along a Java exception's causes."""
    for _ in range(10):
        if java is None:
            return None
        try:
            state = java.getSQLState()
        except Exception:  # noqa: BLE001 - not an SQLException: look at its cause
            state = None
        if state:
            return str(state)
        try:
            java = java.getCause()
        except Exception:  # noqa: BLE001 - a Java object without causes
            return None
    return None
