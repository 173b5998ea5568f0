"""Adapters for the upstream service, bearer tokens and the request log."""

from __future__ import annotations

from typing import Any

import httpx

from lab_contract.auth import verify_bearer
from lab_contract.config import Settings
from lab_contract.errors import ApiError
from lab_contract.request_log import LogEntry, RequestLog
from lab_contract.upstream import client_options

from ..domain.errors import InvalidCredentials, UpstreamUnavailable


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
