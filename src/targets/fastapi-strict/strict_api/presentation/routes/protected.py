"""Scenario 06: request logging (a route class wrapping the router's handling, recording through
the RequestLog port), then bearer auth (a dependency running the Authenticate use case), then
the handler."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from lab_contract.fastapi_support import GET, logging_route
from lab_contract.pydantic_models import ProtectedResult
from lab_contract.request_log import LogEntry

from ..dependencies import ContainerDep
from ..errors import status_of


def _record(request: Request, entry: LogEntry) -> None:
    request.state.container.request_log.record(entry.method, entry.path, entry.status, entry.duration_ms)


def subject(request: Request, app: ContainerDep) -> str:
    return app.authenticate(request.headers.get("authorization"))


router = APIRouter(route_class=logging_route(_record, status_of))


@router.api_route("/protected", methods=GET)
async def protected(app: ContainerDep, sub: Annotated[str, Depends(subject)]) -> ProtectedResult:
    return ProtectedResult(subject=sub, logged=app.count_logged_requests())
