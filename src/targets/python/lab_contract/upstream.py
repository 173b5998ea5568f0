"""``GET /external``'s client: one keep-alive httpx client per process, sized like the database pool
(as every target's upstream client is), 10 s timeout."""

from __future__ import annotations

from typing import Any

import httpx

from .config import Settings


def client_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client`` (gunicorn targets) or ``httpx.AsyncClient``."""
    connections = settings.db_pool
    return {
        "base_url": settings.upstream_url,
        "limits": httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        "timeout": 10.0,
    }
