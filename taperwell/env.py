"""Small typed readers for settings that come from environment variables.

Each reader fails loudly on a value it cannot understand, so a typo in a deployment
stops the server at start instead of quietly running with a default.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit


class ConfigurationError(RuntimeError):
    """A setting from the environment is missing or malformed."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str, *, sqlite_default: Path) -> dict[str, object]:
    """Turn DATABASE_URL into a Django DATABASES entry; empty means the embedded SQLite file."""
    if not url:
        return sqlite_database(sqlite_default)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(parts.path)
        if path.startswith("//") or path.startswith("/"):  # sqlite:////absolute/path
            path = path[1:]
        return sqlite_database(Path(path) if path else sqlite_default)
    if scheme in {"postgres", "postgresql", "pgsql"}:
        options = dict(parse_qsl(parts.query))
        pooled = options.pop("pool", "false").lower() in _TRUE
        database: dict[str, object] = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "postgres",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            # A connection per request costs ~10x throughput; keep them open between requests.
            "CONN_MAX_AGE": None if pooled else 60,
            "CONN_HEALTH_CHECKS": True,
        }
        if pooled:
            database["CONN_MAX_AGE"] = 0
            database["OPTIONS"] = {**options, "pool": True}
        return database
    raise ConfigurationError(
        f"DATABASE_URL must start with sqlite:// or postgres://, not {scheme or 'nothing'}://"
    )


def replica_from_url(url: str) -> dict[str, object]:
    """DATABASE_REPLICA_URL: a PostgreSQL read replica. Tests read it as the primary (MIRROR)."""
    if urlsplit(url).scheme.lower() not in {"postgres", "postgresql", "pgsql"}:
        raise ConfigurationError("DATABASE_REPLICA_URL must be a postgres:// address")
    database = database_from_url(url, sqlite_default=Path())
    database["TEST"] = {"MIRROR": "default"}
    return database


def sqlite_database(path: Path) -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # Keep the file open between requests: opening it and setting the pragmas each time
        # costs more than many a page's queries.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # Several gunicorn workers and the job worker write to one file: WAL, a busy
            # timeout and IMMEDIATE write transactions avoid "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 10,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
                " PRAGMA foreign_keys=ON;"
            ),
        },
    }
