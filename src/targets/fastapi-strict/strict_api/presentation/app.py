"""The FastAPI application: the container lives for the lifespan; routes get use cases by DI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from lab_contract.config import load_settings
from lab_contract.fastapi_support import contract_app
from lab_sqlalchemy.statements import LAYER

from ..container import Container
from .errors import install_domain_error_handler
from .routes import auth, basic, cache, db, flow, protected, reports, upload, users


def create_app() -> FastAPI:
    settings = load_settings(data_layers=(LAYER,))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[dict[str, Container]]:
        container = Container(settings)
        await container.start()
        try:
            yield {"container": container}
        finally:
            await container.close()

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
    app = contract_app(lifespan, routers)
    install_domain_error_handler(app)
    return app
