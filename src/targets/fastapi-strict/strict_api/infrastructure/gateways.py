"""Adapters for the upstream service, bearer tokens, the request log, passwords, and Redis (the
user cache and the sessions, over redis.asyncio)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx
import redis.asyncio as aioredis

from lab_contract import redis_store
from lab_contract.auth import Principal as TokenPrincipal
from lab_contract.auth import bearer_token, issue_login_token, verify_bearer, verify_login_token
from lab_contract.config import Settings
from lab_contract.cursor import iso_ms
from lab_contract.errors import ApiError
from lab_contract.passwords import verify_password
from lab_contract.request_log import LogEntry, RequestLog
from lab_contract.upstream import client_options

from ..domain.errors import InvalidCredentials, UpstreamUnavailable
from ..domain.model import CacheInfo, Principal, User


class HttpxUpstreamGateway:
    """One keep-alive client, sized like the database pool (as every target's upstream client)."""

    def __init__(self, settings: Settings) -> None:
        self._client = httpx.AsyncClient(**client_options(settings))

    async def fetch_data(self) -> Any:
        try:
            response = await self._client.get("/data")
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise UpstreamUnavailable(f"upstream failed: {error}") from None

    async def close(self) -> None:
        await self._client.aclose()


class JwtTokenVerifier:
    """HS256 bearer tokens with ``exp`` and ``sub`` (PyJWT, through the lab's shared check)."""

    def __init__(self, secret: str) -> None:
        self._secret = secret

    def subject(self, authorization: str | None) -> str:
        try:
            return verify_bearer(authorization, self._secret)
        except ApiError as error:
            raise InvalidCredentials(error.message) from None


class RingBufferRequestLog:
    """The last 10,000 requests, in memory (never stdout)."""

    def __init__(self) -> None:
        self._log = RequestLog()

    def record(self, method: str, path: str, status: int, duration_ms: float) -> None:
        self._log.append(LogEntry(method, path, status, duration_ms))

    @property
    def size(self) -> int:
        return self._log.size


class JwtLoginTokens:
    """Scenario 16's login JWTs: HS256 with ``sub``, ``email``, ``iat``, ``exp = iat + ttl``."""

    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._secret = secret
        self._ttl = ttl_seconds

    def issue(self, principal: Principal) -> str:
        return issue_login_token(TokenPrincipal(principal.subject, principal.email), self._secret, self._ttl)

    def principal(self, authorization: str | None) -> Principal:
        try:
            verified = verify_login_token(authorization, self._secret)
        except ApiError as error:
            raise InvalidCredentials(error.message) from None
        return Principal(verified.subject, verified.email)


class ScryptPasswordVerifier:
    """The accounts' scrypt hashes (hashlib), off the event loop: hashlib.scrypt releases the GIL
    and author 1's hash takes tens of milliseconds."""

    async def matches(self, password: str, stored_hash: str) -> bool:
        return await asyncio.to_thread(verify_password, password, stored_hash)


def _user_json(user: User) -> str:
    return redis_store.to_json(
        {"id": user.id, "name": user.name, "email": user.email, "createdAt": iso_ms(user.created_at)}
    )


class RedisUserCache:
    """``user:{id}`` entries holding the contract's User JSON, with LAB_CACHE_TTL_SECONDS."""

    #: SCAN's page size while flushing (each page's keys are unlinked in one command).
    SCAN_COUNT = 1000

    def __init__(self, client: aioredis.Redis, connections: int, ttl_seconds: int) -> None:
        self._redis = client
        self._connections = connections
        self._ttl = ttl_seconds

    async def get(self, user_id: int) -> User | None:
        stored = await self._redis.get(redis_store.user_key(user_id))
        if stored is None:
            return None
        value = redis_store.from_json(stored)
        return User(value["id"], value["name"], value["email"], datetime.fromisoformat(value["createdAt"]))

    async def evict_and_get(self, user_id: int) -> None:
        key = redis_store.user_key(user_id)
        # DEL and the GET that now misses, in one round trip (a pipeline, not a transaction).
        async with self._redis.pipeline(transaction=False) as pipe:
            await pipe.delete(key).get(key).execute()

    async def put(self, user: User) -> None:
        await self._redis.set(redis_store.user_key(user.id), _user_json(user), ex=self._ttl)

    async def put_many(self, users: Sequence[User]) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            for user in users:
                pipe.set(redis_store.user_key(user.id), _user_json(user), ex=self._ttl)
            await pipe.execute()

    async def evict(self, user_id: int) -> None:
        await self._redis.delete(redis_store.user_key(user_id))

    async def flush(self) -> int:
        """SCAN … MATCH user:*, UNLINK per page; never FLUSHDB (the sessions live there too)."""
        deleted, cursor = 0, 0
        while True:
            cursor, keys = await self._redis.scan(cursor, match="user:*", count=self.SCAN_COUNT)
            if keys:
                deleted += await self._redis.unlink(*keys)
            if cursor == 0:
                return deleted

    def info(self) -> CacheInfo:
        described = redis_store.cache_info(self._connections, self._ttl)
        return CacheInfo(described["client"], described["connections"], described["ttlSeconds"])


class RedisSessionStore:
    """``session:{token}`` holding the principal, with LAB_AUTH_TTL_SECONDS (never refreshed)."""

    def __init__(self, client: aioredis.Redis, ttl_seconds: int) -> None:
        self._redis = client
        self._ttl = ttl_seconds

    @staticmethod
    def _token(authorization: str | None) -> str:
        try:
            return redis_store.session_token_shape(bearer_token(authorization))
        except ApiError as error:
            raise InvalidCredentials(error.message) from None

    async def create(self, principal: Principal) -> str:
        token = redis_store.new_session_token()
        value = redis_store.session_value(TokenPrincipal(principal.subject, principal.email))
        await self._redis.set(redis_store.session_key(token), value, ex=self._ttl)
        return token

    async def principal(self, authorization: str | None) -> Principal:
        stored = await self._redis.get(redis_store.session_key(self._token(authorization)))
        try:
            found = redis_store.session_principal(stored)
        except ApiError as error:
            raise InvalidCredentials(error.message) from None
        return Principal(found.subject, found.email)

    async def end(self, authorization: str | None) -> None:
        if await self._redis.delete(redis_store.session_key(self._token(authorization))) == 0:
            raise InvalidCredentials(redis_store.no_session().message)
