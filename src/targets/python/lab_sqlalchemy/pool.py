"""Connection pool settings shared by the SQLAlchemy targets."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event, exc

from lab_contract.pgconn import closed_by_server


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
    # SQLAlchemy's asyncpg adapter keeps the asyncpg connection as ``_connection``.
    return closed_by_server(getattr(dbapi_connection, "_connection", dbapi_connection))


def discard_dead_connections(engine: Engine) -> None:
    """On checkout, a connection the server has closed is replaced by a fresh one: SQLAlchemy's
    documented answer to ``DisconnectionError`` raised from a ``checkout`` event."""

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if _is_dead(dbapi_connection):
            raise exc.DisconnectionError("connection closed by the server")
