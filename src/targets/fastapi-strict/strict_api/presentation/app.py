"""The FastAPI application: the container lives for the lifespan; routes get use cases by DI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from lab_contract.config import load_settings
from lab_contract.fastapi_support import install_contract_handlers
from lab_sqlalchemy.statements import LAYER

from ..container import Container
from .errors import install_domain_error_handler
from .routes import basic, db, protected, upload, users


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

    app = FastAPI(
        lifespan=lifespan,
        # Production: no interactive docs or schema routes (they would answer where the
        # contract says 404), no redirect from /users/ to /users. Body limits: ContractRoute.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,
    )
    routers = [
        basic.router,
        users.router,
        protected.router,
        upload.router_for(settings.upload_limit_bytes),
        db.router,
    ]
    install_contract_handlers(app, routers)
    install_domain_error_handler(app)
    for router in routers:
        app.include_router(router)
    return app
