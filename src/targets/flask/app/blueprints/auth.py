"""Scenario 16: logins against the authors' scrypt hashes, JWTs (PyJWT) and server-side sessions
in Redis (redis-py). ``session_bp`` is registered with REDIS_URL only."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from lab_contract import rules
from lab_contract.auth import (
    ANONYMOUS,
    Principal,
    bad_credentials,
    bearer_token,
    issue_login_token,
    verify_login_token,
)
from lab_contract.passwords import verify_password
from lab_contract.redis_store import (
    new_session_token,
    no_session,
    session_key,
    session_principal,
    session_token_shape,
    session_value,
)
from lab_sqlalchemy import statements as sql

from ..extensions import database
from . import json_body, lab, redis_client

bp = Blueprint("auth", __name__, url_prefix="/auth")
session_bp = Blueprint("session", __name__, url_prefix="/auth/session")


def check_credentials() -> Principal:
    """The login body, the author with this email (1 statement) and its scrypt hash; an unknown
    email and a wrong password get the same 401."""
    login = rules.parse_login(json_body())
    if rules.has_nul(login.email):
        raise bad_credentials()  # no stored email holds U+0000 (and PostgreSQL text cannot)
    account = database.session.execute(sql.account_by_email(login.email)).one_or_none()
    # The connection goes back to the pool before the hash: author 1's costs tens of ms
    # (hashlib.scrypt releases the GIL, the worker's other threads keep serving).
    database.session.close()
    if account is None or not verify_password(login.password, account.password_hash):
        raise bad_credentials()
    return Principal(str(account.id), account.email)


def session_of() -> Principal:
    """The principal of the bearer session token: one GET, the TTL left as it is."""
    token = session_token_shape(bearer_token(request.headers.get("Authorization")))
    return session_principal(redis_client().get(session_key(token)))


@bp.get("/public")
def public() -> dict[str, None]:
    return ANONYMOUS


@bp.post("/jwt/login")
def jwt_login() -> dict[str, Any]:
    principal = check_credentials()
    settings = lab()["settings"]
    token = issue_login_token(principal, settings.auth_secret, settings.auth_ttl_seconds)
    return {"token": token, "expiresIn": settings.auth_ttl_seconds}


@bp.get("/jwt/me")
def jwt_me() -> dict[str, str]:
    return verify_login_token(request.headers.get("Authorization"), lab()["settings"].auth_secret).body()


@session_bp.post("/login")
def session_login() -> dict[str, Any]:
    principal = check_credentials()
    ttl = lab()["settings"].auth_ttl_seconds
    token = new_session_token()
    redis_client().set(session_key(token), session_value(principal), ex=ttl)
    return {"token": token, "expiresIn": ttl}


@session_bp.get("/me")
def session_me() -> dict[str, str]:
    return session_of().body()


@session_bp.post("/logout")
def logout() -> dict[str, bool]:
    """One DEL: it says whether there was a session (401 when not). A body is ignored."""
    token = session_token_shape(bearer_token(request.headers.get("Authorization")))
    if redis_client().delete(session_key(token)) == 0:
        raise no_session()
    return {"loggedOut": True}
