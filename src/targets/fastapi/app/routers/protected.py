"""Scenario 06: request logging (a route class wrapping the router's handling), then bearer auth
(a dependency), then the handler."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from lab_contract.auth import verify_bearer
from lab_contract.fastapi_support import GET, logging_route
from lab_contract.pydantic_models import ProtectedResult
from lab_contract.request_log import LogEntry

from ..dependencies import Log, SettingsDep


def _append(request: Request, entry: LogEntry) -> None:
    request.state.request_log.append(entry)


def bearer_subject(request: Request, settings: SettingsDep) -> str:
    return verify_bearer(request.headers.get("authorization"), settings.auth_secret)


router = APIRouter(route_class=logging_route(_append))


@router.api_route("/protected", methods=GET)
async def protected(subject: Annotated[str, Depends(bearer_subject)], log: Log) -> ProtectedResult:
    return ProtectedResult(subject=subject, logged=log.size)
