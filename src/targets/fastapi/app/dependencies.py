"""Dependencies the routers declare: the request's database session, the lifespan's resources,
and the content-type rules of the contract's bodies (415, before the body is validated)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import redis.asyncio as aioredis
from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from lab_contract.config import Settings
from lab_contract.fastapi_support import json_content, multipart_content, one_file_part
from lab_contract.request_log import RequestLog


async def session(request: Request) -> AsyncIterator[AsyncSession]:
    """One AsyncSession per request; its connection goes back to the pool when it closes, which
    is when the endpoint returns (``scope="function"``), before the response goes out: the
    transaction has ended by the time the client reads the answer."""
    async with request.state.sessions() as db:
        yield db


def settings(request: Request) -> Settings:
    return request.state.settings


def upstream(request: Request) -> httpx.AsyncClient:
    return request.state.upstream


def request_log(request: Request) -> RequestLog:
    return request.state.request_log


def meta(request: Request) -> dict[str, Any]:
    return request.state.meta


def redis_client(request: Request) -> aioredis.Redis:
    """The lifespan's Redis client (its routers exist only with REDIS_URL)."""
    return request.state.redis


Session = Annotated[AsyncSession, Depends(session, scope="function")]
SettingsDep = Annotated[Settings, Depends(settings)]
Upstream = Annotated[httpx.AsyncClient, Depends(upstream)]
Log = Annotated[RequestLog, Depends(request_log)]
Meta = Annotated[dict[str, Any], Depends(meta)]
Redis = Annotated[aioredis.Redis, Depends(redis_client)]
JsonBody = Depends(json_content)
MultipartBody = Depends(multipart_content)
OneFilePart = Depends(one_file_part)
