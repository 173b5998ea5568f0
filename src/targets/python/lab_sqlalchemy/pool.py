"""Connection pool settings shared by the SQLAlchemy targets."""

from __future__ import annotations

import select
from typing import Any

from sqlalchemy import Engine, event, exc


def engine_options(pool_size: int) -> dict[str, Any]:
    """Exactly ``LAB_DB_POOL`` connections, no overflow, no SQL echo, no per-checkout ping.

    ``pool_pre_ping`` is off on purpose: its ping is a ``SELECT 1`` (psycopg), or BEGIN + empty
    query + ROLLBACK (asyncpg), on every checkout, which pg_stat_statements would count and the
    Node targets do not pay. Dead connections are caught for free by ``discard_dead_connections``.
    """
    return {
        "pool_size": pool_size,
        "max_overflow": 0,
        "pool_timeout": 30,
        "echo": False,
        "hide_parameters": True,
    }


def _is_dead(dbapi_connection: Any) -> bool:
    """Whether a pooled connection was closed by the server while idle (e.g. the lab restoring
    its snapshot terminates every session), found without a round trip."""
    asyncpg_connection = getattr(dbapi_connection, "_connection", None)
    if asyncpg_connection is not None and hasattr(asyncpg_connection, "is_closed"):
        # asyncpg reads the socket in the event loop: it already knows.
        return bool(asyncpg_connection.is_closed())
    pgconn = getattr(dbapi_connection, "pgconn", None)  # psycopg 3
    if pgconn is None:
        return False
    if dbapi_connection.closed:
        return True
    try:
        # An idle connection receives nothing; readable means an error notice or EOF from the
        # server, i.e. it is gone. A zero-timeout poll, not a query.
        readable, _, _ = select.select([pgconn.socket], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def discard_dead_connections(engine: Engine) -> None:
    """On checkout, a connection the server has closed is replaced by a fresh one: SQLAlchemy's
    documented answer to ``DisconnectionError`` raised from a ``checkout`` event."""

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if _is_dead(dbapi_connection):
            raise exc.DisconnectionError("connection closed by the server")
