"""Telling a pooled PostgreSQL connection the server has closed from a live one, without a round
trip: the lab's snapshot restore ends every session, and a pool must not hand those out."""

from __future__ import annotations

import select
from typing import Any


def closed_by_server(connection: Any) -> bool:
    """For an idle psycopg 3 or asyncpg connection. An idle connection receives nothing, so a
    readable socket means an error notice or EOF from the server: it is gone. A zero-timeout poll,
    not a query (a ping would be a statement pg_stat_statements counts, and a round trip)."""
    if hasattr(connection, "is_closed"):
        # asyncpg reads its socket in the event loop: it already knows.
        return bool(connection.is_closed())
    if connection.closed:
        return True
    try:
        readable, _, _ = select.select([connection.pgconn.socket], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)
