"""Scenario 06: request logging, then bearer auth, then the handler.

The logging middleware is a custom ``APIRoute`` class (FastAPI's way to wrap the handling of the
routes of one router); auth is a dependency."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from lab_contract.auth import verify_bearer
from lab_contract.errors import ApiError
from lab_contract.fastapi_support import GET, ContractRoute
from lab_contract.pydantic_models import ProtectedResult
from lab_contract.request_log import LogEntry

from ..dependencies import Log, SettingsDep


class LoggedRoute(ContractRoute):
    """Appends ``{method, path, status, durationMs}`` to the ring buffer once the handler is done."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handle = super().get_route_handler()

        async def logged(request: Request) -> Response:
            started = time.perf_counter()
            status = 500
            try:
                response = await handle(request)
                status = response.status_code
                return response
            except ApiError as error:
                status = error.status
                raise
            finally:
                request.state.request_log.append(
                    LogEntry(request.method, request.url.path, status, (time.perf_counter() - started) * 1000)
                )

        return logged


def bearer_subject(request: Request, settings: SettingsDep) -> str:
    return verify_bearer(request.headers.get("authorization"), settings.auth_secret)


router = APIRouter(route_class=LoggedRoute)


@router.api_route("/protected", methods=GET)
async def protected(subject: Annotated[str, Depends(bearer_subject)], log: Log) -> ProtectedResult:
    return ProtectedResult(subject=subject, logged=log.size)
