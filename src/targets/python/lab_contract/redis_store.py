"""Redis of the ``cache``, ``auth`` and ``flow`` groups (scenarios 14–16, 19): the client set-up
every Python target shares, and the keys and values of the contract (as
src/targets/shared/{redis,user-cache,sessions}.ts). The commands themselves are each target's,
in its own idiom (``redis.asyncio`` in the FastAPI targets, the blocking client elsewhere).

The client is redis-py's usual one, a connection pool, sized like the database pool
(``LAB_DB_POOL``: a thread or an in-flight request holds at most one connection at a time; a
blocking pool makes a caller wait for a free one rather than fail). Every connection is opened
before the target serves: a Redis that does not answer fails the start, and a connection's set-up
(``CLIENT SETINFO``) never lands inside a measured or command-counted request.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

import redis
import redis.asyncio as aioredis

from .auth import Principal
from .errors import ApiError
from .meta import installed_version

#: The session token: 32 random bytes in base64url, no padding.
SESSION_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
#: How long a caller waits for a free connection before the request fails.
_POOL_TIMEOUT_SECONDS = 30


def user_key(user_id: int) -> str:
    return f"user:{user_id}"


def session_key(token: str) -> str:
    return f"session:{token}"


def to_json(value: Any) -> str:
    """A stored value: compact JSON, what the response body holds."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def session_value(principal: Principal) -> str:
    return to_json(principal.body())


def session_token_shape(token: str) -> str:
    """A token of any other shape is refused without asking Redis."""
    if not SESSION_TOKEN.match(token):
        raise ApiError("unauthorized", "invalid session token")
    return token


def no_session() -> ApiError:
    return ApiError("unauthorized", "no such session (expired or logged out)")


def session_principal(stored: bytes | str | None) -> Principal:
    """The principal a session holds; ``None`` (no key) is 401."""
    if stored is None:
        raise no_session()
    value = json.loads(stored)
    return Principal(value["subject"], value["email"])


def cache_info(connections: int, ttl_seconds: int) -> dict[str, Any]:
    """``GET /cache/info``: the client library, its connections at most, the TTL."""
    return {
        "client": f"redis-py {installed_version('redis')}",
        "connections": connections,
        "ttlSeconds": ttl_seconds,
    }


def open_blocking(url: str, size: int) -> redis.Redis:
    """The thread-safe client of the gunicorn targets, its ``size`` connections opened."""
    pool = redis.BlockingConnectionPool.from_url(url, max_connections=size, timeout=_POOL_TIMEOUT_SECONDS)
    connections = [pool.get_connection() for _ in range(size)]
    for connection in connections:
        pool.release(connection)
    return redis.Redis(connection_pool=pool)


async def open_async(url: str, size: int) -> aioredis.Redis:
    """The asyncio client of the FastAPI targets, its ``size`` connections opened."""
    pool = aioredis.BlockingConnectionPool.from_url(url, max_connections=size, timeout=_POOL_TIMEOUT_SECONDS)
    connections = [await pool.get_connection() for _ in range(size)]
    for connection in connections:
        await pool.release(connection)
    return aioredis.Redis(connection_pool=pool)


def from_json(stored: bytes | str) -> Any:
    return json.loads(stored)
