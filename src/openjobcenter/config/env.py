"""Typed, fail-loud configuration from environment variables (DESIGN §4.6).

Every setting the platform reads from the environment goes through one of the
parsers below. A bad value stops start-up with a message naming the variable;
with nothing set, the embedded default (SQLite, in-memory channel layer, local
files) runs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


class ConfigError(ImproperlyConfigured):
    """A configuration variable holds a value the platform cannot use."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "", environ: dict[str, str] | None = None) -> str:
    return (environ if environ is not None else os.environ).get(name, default).strip()


def env_bool(name: str, default: bool, environ: dict[str, str] | None = None) -> bool:
    raw = (environ if environ is not None else os.environ).get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    msg = f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    raise ConfigError(msg)


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: dict[str, str] | None = None,
) -> int:
    raw = (environ if environ is not None else os.environ).get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        msg = f"{name} must be a whole number; got {raw!r}"
        raise ConfigError(msg) from None
    if minimum is not None and value < minimum:
        msg = f"{name} must be at least {minimum}; got {value}"
        raise ConfigError(msg)
    if maximum is not None and value > maximum:
        msg = f"{name} must be at most {maximum}; got {value}"
        raise ConfigError(msg)
    return value


def env_list(name: str, default: list[str], environ: dict[str, str] | None = None) -> list[str]:
    raw = (environ if environ is not None else os.environ).get(name)
    if raw is None:
        return list(default)
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_choice(
    name: str, default: str, choices: tuple[str, ...], environ: dict[str, str] | None = None
) -> str:
    value = env_str(name, default, environ).lower()
    if value not in choices:
        msg = f"{name} must be one of {', '.join(choices)}; got {value!r}"
        raise ConfigError(msg)
    return value


@dataclass(frozen=True)
class DatabaseConfig:
    engine: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""
    options: dict[str, str] | None = None
    pool_size: int = 10
    pool_min: int = 2
    # Seconds a request waits for a pooled connection before it fails (and answers 503,
    # core/unavailable.py): while the database is down, this is how long a page hangs.
    pool_timeout: float = 10
    # Behind PgBouncer in transaction mode a server-side cursor (``.iterator()``) would
    # outlive the transaction that opened it on another server connection: off, Django
    # fetches such results client-side (DISABLE_SERVER_SIDE_CURSORS).
    disable_server_side_cursors: bool = False

    def as_django(self) -> dict[str, object]:
        db: dict[str, object] = {"ENGINE": self.engine, "NAME": self.name}
        if self.engine.endswith("postgresql"):
            # Under ASGI every request runs in a fresh thread, so persistent per-thread
            # connections (CONN_MAX_AGE > 0) leak; psycopg's pool shares them instead.
            options: dict[str, object] = dict(self.options or {})
            options.setdefault(
                "pool",
                {
                    "min_size": min(self.pool_min, self.pool_size),
                    "max_size": self.pool_size,
                    "timeout": self.pool_timeout,
                },
            )
            db.update(
                USER=self.user,
                PASSWORD=self.password,
                HOST=self.host,
                PORT=self.port,
                CONN_MAX_AGE=0,
                # The pool checks every connection before it hands it out, so one the
                # network or a database restart cut while it sat idle is replaced, not
                # given to a request that would fail with it (core/postgresql: with an
                # empty query unless it came back a moment ago and its socket is quiet).
                CONN_HEALTH_CHECKS=True,
                OPTIONS=options,
            )
            if self.disable_server_side_cursors:
                db["DISABLE_SERVER_SIDE_CURSORS"] = True
        else:
            # WAL lets the web process and the task worker read while the other writes.
            db["OPTIONS"] = {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            }
        return db


def parse_database_url(name: str, url: str, base_dir: Path) -> DatabaseConfig:
    """Parse ``sqlite:///relative/path`` or ``postgres://user:pw@host:port/db``."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path.removeprefix("/")) or "var/db.sqlite3"
        resolved = Path(path) if Path(path).is_absolute() else base_dir / path
        return DatabaseConfig(engine="django.db.backends.sqlite3", name=str(resolved))
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        db_name = unquote(parts.path.removeprefix("/"))
        if not db_name:
            msg = f"{name} must name a database, e.g. postgres://user@127.0.0.1:5432/ojc"
            raise ConfigError(msg)
        try:
            port = str(parts.port or "")
        except ValueError:
            msg = f"{name} has an invalid port"
            raise ConfigError(msg) from None
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        return DatabaseConfig(
            # Django's, with a cheaper check of pooled connections (core/postgresql).
            engine="openjobcenter.core.postgresql",
            name=db_name,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            host=parts.hostname or "",
            port=port,
            options=options,
        )
    msg = f"{name} must start with sqlite:/// or postgres://; got scheme {parts.scheme!r}"
    raise ConfigError(msg)


def redis_database(url: str) -> str:
    """The database number of a Redis URL (``redis://h:6379/3`` or ``unix:///s?db=3``)."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return parse_qs(parts.query).get("db", ["0"])[0]
    return parts.path.strip("/") or "0"


def validate_redis_url(name: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss", "unix"} or not (parts.hostname or parts.path):
        msg = f"{name} must look like redis://host:6379/0; got {url!r}"
        raise ConfigError(msg)
    return url
