"""Scenario 06: request logging (a route class wrapping the routes' handling), then bearer auth
(a dependency running the Authenticate use case), then the handler."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from lab_contract.fastapi_support import GET, ContractRoute
from lab_contract.pydantic_models import ProtectedResult

from ...domain.errors import InvalidCredentials
from ..dependencies import ContainerDep


class LoggedRoute(ContractRoute):
    """Records ``{method, path, status, durationMs}`` once the handler is done."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handle = super().get_route_handler()

        async def logged(request: Request) -> Response:
            started = time.perf_counter()
            status = 500
            try:
                response = await handle(request)
                status = response.status_code
                return response
            except InvalidCredentials:
                status = 401
                raise
            finally:
                duration_ms = (time.perf_counter() - started) * 1000
                request.state.container.request_log.record(
                    request.method, request.url.path, status, duration_ms
                )

        return logged


def subject(request: Request, app: ContainerDep) -> str:
    return app.authenticate(request.headers.get("authorization"))


router = APIRouter(route_class=LoggedRoute)


@router.api_route("/protected", methods=GET)
async def protected(app: ContainerDep, sub: Annotated[str, Depends(subject)]) -> ProtectedResult:
    return ProtectedResult(subject=sub, logged=app.count_logged_requests())
