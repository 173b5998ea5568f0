"""Django's PostgreSQL backend with one addition: a pooled connection the server has closed (the
lab's snapshot restore ends every session) is replaced before Django uses it, found without a
round trip. Django's own answer, CONN_HEALTH_CHECKS, makes the pool run an empty query on every
checkout, and backs off a second, then two, then four… between failed checks: ten dead
connections would outlast the pool's timeout."""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base

from lab_contract.pgconn import closed_by_server


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        while self.pool is not None and closed_by_server(connection):
            connection.close()
            self.pool.putconn(connection)  # closed: the pool drops it and opens a new one
            connection = super().get_new_connection(conn_params)
        return connection
