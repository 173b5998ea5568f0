"""Scenario 16: logins against the authors' scrypt hashes, JWTs (PyJWT) and server-side sessions
in Redis (redis.asyncio). Token checks are dependencies; the session routes exist with REDIS_URL
only (``session_router``)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from lab_contract.auth import (
    ANONYMOUS,
    Principal,
    bad_credentials,
    bearer_token,
    issue_login_token,
    verify_login_token,
)
from lab_contract.fastapi_support import GET, ContractRoute
from lab_contract.passwords import verify_password
from lab_contract.pydantic_models import Login, LoginResult
from lab_contract.redis_store import (
    new_session_token,
    no_session,
    session_key,
    session_principal,
    session_token_shape,
    session_value,
)
from lab_contract.rules import has_nul
from lab_sqlalchemy import statements as sql

from ..dependencies import JsonBody, Redis, Session, SettingsDep


async def check_credentials(db: AsyncSession, login: Login) -> Principal:
    """The author with this email (1 statement) and its scrypt hash; an unknown email and a wrong
    password get the same 401."""
    if has_nul(login.email):
        raise bad_credentials()  # no stored email holds U+0000 (and PostgreSQL text cannot)
    account = (await db.execute(sql.account_by_email(login.email))).one_or_none()
    # The connection goes back to the pool before the hash: author 1's costs tens of ms.
    await db.close()
    # hashlib.scrypt releases the GIL: in a thread, the event loop keeps serving meanwhile.
    if account is None or not await asyncio.to_thread(verify_password, login.password, account.password_hash):
        raise bad_credentials()
    return Principal(str(account.id), account.email)


def jwt_principal(request: Request, settings: SettingsDep) -> Principal:
    return verify_login_token(request.headers.get("authorization"), settings.auth_secret)


async def session_of(request: Request, cache: Redis) -> Principal:
    """The principal of the bearer session token: one GET, the TTL left as it is."""
    token = session_token_shape(bearer_token(request.headers.get("authorization")))
    return session_principal(await cache.get(session_key(token)))


SessionPrincipal = Annotated[Principal, Depends(session_of)]

router = APIRouter(prefix="/auth", route_class=ContractRoute)


@router.api_route("/public", methods=GET)
async def public() -> dict[str, None]:
    return ANONYMOUS


@router.post("/jwt/login", dependencies=[JsonBody])
async def jwt_login(db: Session, settings: SettingsDep, body: Login) -> LoginResult:
    principal = await check_credentials(db, body)
    token = issue_login_token(principal, settings.auth_secret, settings.auth_ttl_seconds)
    return LoginResult(token=token, expiresIn=settings.auth_ttl_seconds)


@router.api_route("/jwt/me", methods=GET)
async def jwt_me(principal: Annotated[Principal, Depends(jwt_principal)]) -> dict[str, Any]:
    return principal.body()


session_router = APIRouter(prefix="/auth/session", route_class=ContractRoute)


@session_router.post("/login", dependencies=[JsonBody])
async def session_login(db: Session, cache: Redis, settings: SettingsDep, body: Login) -> LoginResult:
    principal = await check_credentials(db, body)
    token = new_session_token()
    await cache.set(session_key(token), session_value(principal), ex=settings.auth_ttl_seconds)
    return LoginResult(token=token, expiresIn=settings.auth_ttl_seconds)


@session_router.api_route("/me", methods=GET)
async def session_me(principal: SessionPrincipal) -> dict[str, Any]:
    return principal.body()


@session_router.post("/logout")
async def logout(request: Request, cache: Redis) -> dict[str, bool]:
    """One DEL: it says whether there was a session (401 when not). A body is ignored."""
    token = session_token_shape(bearer_token(request.headers.get("authorization")))
    if await cache.delete(session_key(token)) == 0:
        raise no_session()
    return {"loggedOut": True}
