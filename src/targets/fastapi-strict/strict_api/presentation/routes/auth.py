"""Scenario 16: logins (use cases over the account repository, the password verifier and the
token or session port); token checks are dependencies. ``session_router`` is mounted with
REDIS_URL only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from lab_contract.auth import ANONYMOUS
from lab_contract.fastapi_support import GET, ContractRoute, json_content
from lab_contract.pydantic_models import Login, LoginResult

from ...domain.model import Credentials, IssuedToken
from ..dependencies import (
    ContainerDep,
    LoginTokenPrincipal,
    LogInWithSession,
    LogInWithToken,
    SessionPrincipal,
)

router = APIRouter(prefix="/auth", route_class=ContractRoute)
session_router = APIRouter(prefix="/auth/session", route_class=ContractRoute)


def _result(issued: IssuedToken) -> LoginResult:
    return LoginResult(token=issued.token, expiresIn=issued.expires_in)


@router.api_route("/public", methods=GET)
async def public() -> dict[str, None]:
    return ANONYMOUS


@router.post("/jwt/login", dependencies=[Depends(json_content)])
async def jwt_login(log_in: LogInWithToken, body: Login) -> LoginResult:
    return _result(await log_in(Credentials(body.email, body.password)))


@router.api_route("/jwt/me", methods=GET)
async def jwt_me(principal: LoginTokenPrincipal) -> dict[str, Any]:
    return {"subject": principal.subject, "email": principal.email}


@session_router.post("/login", dependencies=[Depends(json_content)])
async def session_login(log_in: LogInWithSession, body: Login) -> LoginResult:
    return _result(await log_in(Credentials(body.email, body.password)))


@session_router.api_route("/me", methods=GET)
async def session_me(principal: SessionPrincipal) -> dict[str, Any]:
    return {"subject": principal.subject, "email": principal.email}


@session_router.post("/logout")
async def logout(request: Request, app: ContainerDep) -> dict[str, bool]:
    """One DEL: it says whether there was a session (401 when not). A body is ignored."""
    await app.session_store().end(request.headers.get("authorization"))
    return {"loggedOut": True}
