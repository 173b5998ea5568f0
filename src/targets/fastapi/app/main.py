"""The FastAPI application: resources opened in the lifespan, one router per area of the contract."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from lab_contract.config import load_settings, sqlalchemy_url
from lab_contract.fastapi_support import contract_app
from lab_contract.meta import target_meta
from lab_contract.redis_store import open_async
from lab_contract.request_log import RequestLog
from lab_contract.upstream import client_options
from lab_sqlalchemy.pool import discard_dead_connections, engine_options
from lab_sqlalchemy.statements import LAYER

from .routers import auth, basic, cache, db, flow, protected, reports, upload, users


def create_app() -> FastAPI:
    settings = load_settings(data_layers=(LAYER,))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[dict[str, object]]:
        engine = create_async_engine(
            sqlalchemy_url(settings.database_url, "asyncpg"), **engine_options(settings.db_pool)
        )
        discard_dead_connections(engine.sync_engine)
        # First connection now: the dialect's one-time queries (server version, type codecs)
        # happen at start-up, not inside the first measured (and statement-counted) request.
        async with engine.connect():
            pass
        # One keep-alive client for the upstream, sized like the database pool (as the Node
        # targets' undici agent).
        upstream = httpx.AsyncClient(**client_options(settings))
        # Redis of the cache, session and flow routes, its pool as large as the database's.
        redis = await open_async(settings.redis_url, settings.db_pool) if settings.redis_url else None
        try:
            yield {
                "settings": settings,
                "sessions": async_sessionmaker(engine, expire_on_commit=False),
                "upstream": upstream,
                "request_log": RequestLog(),
                "redis": redis,
                "meta": target_meta(
                    target="fastapi",
                    framework="fastapi",
                    distribution="fastapi",
                    data_layer=settings.data_layer,
                    db_pool=settings.db_pool,
                ),
            }
        finally:
            if redis is not None:
                await redis.aclose()
            await upstream.aclose()
            await engine.dispose()

    routers = [
        basic.router,
        users.router,
        protected.router,
        upload.router_for(settings.upload_limit_bytes),
        db.router,
        auth.router,
        reports.router,
    ]
    if settings.redis_url:
        # Without Redis the cache, session and flow paths are not served: 404 like any unknown path.
        routers += [cache.router, auth.session_router, flow.router]
    return contract_app(lifespan, routers)
