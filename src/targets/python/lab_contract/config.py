"""Target configuration from the environment (docs/contract.md, "Process").

Every Python target reads it the same way, so pool sizes and limits are identical across
frameworks; bad configuration is one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

#: JSON bodies above this get 413 in every target.
JSON_BODY_LIMIT_BYTES = 1024 * 1024
#: How much of a too-large body is still read (and dropped) before the 413 goes out: a server
#: that answers and closes on unread input makes the client's socket reset, and the client may
#: never read the 413 (Node's servers read such bodies to their end too).
DRAIN_LIMIT_BYTES = 64 * 1024 * 1024


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    port: int
    host: str
    database_url: str
    redis_url: str | None
    upstream_url: str
    db_pool: int
    #: ``LAB_DATA_LAYER``: the data layer behind ``/db`` (the manifest's `dataLayers` key).
    data_layer: str
    auth_secret: str
    #: ``LAB_AUTH_TTL_SECONDS``: lifetime of login JWTs and sessions (scenarios 16, 19).
    auth_ttl_seconds: int
    #: ``LAB_CACHE_TTL_SECONDS``: TTL of the ``user:{id}`` entries (scenarios 14–15).
    cache_ttl_seconds: int
    upload_limit_bytes: int
    #: ``LAB_REQUEST_TIMEOUT_MS`` (default 30 s), in seconds: how long a request's head and body
    #: may take to arrive; a client trickling bytes is cut off after it.
    request_timeout: float
    #: Serving processes (``LAB_WORKERS``, the manifest's ``{workers}``); default 1.
    workers: int


def _integer(env: Mapping[str, str], name: str, fallback: int | None, low: int, high: int) -> int:
    raw = env.get(name, "")
    if raw == "":
        if fallback is None:
            raise ConfigError(f"{name} is required")
        return fallback
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise ConfigError(f"{name}={raw!r} is invalid: expected an integer from {low} to {high}")
    return int(raw)


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "")
    if not value:
        raise ConfigError(f"{name} is required")
    return value


def load_settings(env: Mapping[str, str] | None = None, *, data_layers: tuple[str, ...]) -> Settings:
    """Reads and checks the environment; raises ConfigError naming the first bad variable."""
    env = os.environ if env is None else env
    data_layer = env.get("LAB_DATA_LAYER") or data_layers[0]
    if data_layer not in data_layers:
        raise ConfigError(
            f"LAB_DATA_LAYER={data_layer!r} is invalid: this target has {', '.join(data_layers)}"
        )
    metrics = env.get("LAB_METRICS", "")
    if metrics not in ("", "0", "1"):
        raise ConfigError(f"LAB_METRICS={metrics!r} is invalid: expected 1 (on) or 0 (off)")
    database_url = _required(env, "DATABASE_URL")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise ConfigError("DATABASE_URL is invalid: expected a postgres:// or postgresql:// URL")
    return Settings(
        port=_integer(env, "PORT", None, 1, 65535),
        host=env.get("HOST") or "127.0.0.1",
        database_url=database_url,
        redis_url=env.get("REDIS_URL") or None,
        upstream_url=_required(env, "UPSTREAM_URL").rstrip("/"),
        db_pool=_integer(env, "LAB_DB_POOL", 10, 1, 1000),
        data_layer=data_layer,
        auth_secret=env.get("LAB_AUTH_SECRET") or "lab-secret",
        auth_ttl_seconds=_integer(env, "LAB_AUTH_TTL_SECONDS", 900, 1, 86_400),
        cache_ttl_seconds=_integer(env, "LAB_CACHE_TTL_SECONDS", 300, 1, 86_400),
        upload_limit_bytes=_integer(env, "LAB_UPLOAD_LIMIT_BYTES", 10 * 1024 * 1024, 1, 2**31 - 1),
        request_timeout=request_timeout(env),
        workers=_integer(env, "LAB_WORKERS", 1, 1, 256),
    )


def request_timeout(env: Mapping[str, str] | None = None) -> float:
    """``LAB_REQUEST_TIMEOUT_MS`` in seconds, for the servers' protocol and worker classes, which
    their servers construct without the settings (the environment is checked at start-up)."""
    env = os.environ if env is None else env
    return _integer(env, "LAB_REQUEST_TIMEOUT_MS", 30_000, 1000, 600_000) / 1000


def settings_or_exit(target: str, *, data_layers: tuple[str, ...]) -> Settings:
    """load_settings, or one line on stderr and exit 2 (what the launcher shows on a failed start)."""
    try:
        settings = load_settings(data_layers=data_layers)
    except ConfigError as error:
        sys.stderr.write(f"{target} target: configuration error: {error}\n")
        sys.exit(2)
    if os.environ.get("LAB_METRICS") == "1":
        # Not part of the contract; the Python targets have no Prometheus exporter (yet).
        sys.stderr.write(f"{target} target: LAB_METRICS=1 ignored: no /metrics on Python targets\n")
    return settings


def sqlalchemy_url(database_url: str, driver: str) -> str:
    """``postgresql+<driver>://…`` for SQLAlchemy's create_engine from a libpq URL."""
    rest = database_url.split("://", 1)[1]
    return f"postgresql+{driver}://{rest}"


@dataclass(frozen=True)
class DatabaseParts:
    name: str
    user: str
    password: str
    host: str
    port: int | None


def database_parts(database_url: str) -> DatabaseParts:
    """The pieces of a libpq URL, for frameworks configured by parts (Django's DATABASES)."""
    from urllib.parse import unquote, urlsplit

    url = urlsplit(database_url)
    return DatabaseParts(
        name=unquote(url.path.lstrip("/")),
        user=unquote(url.username or ""),
        password=unquote(url.password or ""),
        host=url.hostname or "",
        port=url.port,
    )
