"""Bearer tokens: ``GET /protected``'s HS256 JWT (required ``exp`` and ``sub``), the login JWTs of
scenario 16 (plus a string ``email``), and the bearer token of a request as the session routes
read it (as src/targets/shared/auth.ts)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

import jwt

from .errors import ApiError

_BEARER = re.compile(r"^Bearer ([A-Za-z0-9._~+/-]+=*)$")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request is on behalf of: the author id as a string, and its email."""

    subject: str
    email: str

    def body(self) -> dict[str, str]:
        return {"subject": self.subject, "email": self.email}


#: ``GET /auth/public``'s answer.
ANONYMOUS: dict[str, None] = {"subject": None, "email": None}


def bearer_token(header: str | None) -> str:
    """The token of ``Authorization: Bearer <token>``, or ApiError ``unauthorized``."""
    if not header:
        raise ApiError("unauthorized", "missing bearer token")
    match = _BEARER.match(header)
    if not match:
        raise ApiError("unauthorized", "malformed Authorization header")
    return match.group(1)


def _claims(header: str | None, secret: str, required: list[str]) -> dict[str, Any]:
    try:
        # algorithms pins HS256: an unsigned (alg none) or RS256 token is refused.
        claims = jwt.decode(
            bearer_token(header),
            secret,
            algorithms=["HS256"],
            options={"require": ["exp", "sub", *required]},
        )
    except jwt.ExpiredSignatureError:
        raise ApiError("unauthorized", "token expired") from None
    except jwt.InvalidTokenError:
        raise ApiError("unauthorized", "invalid token") from None
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise ApiError("unauthorized", "invalid token")
    return claims


def verify_bearer(header: str | None, secret: str) -> str:
    """The token's subject, or ApiError ``unauthorized`` (missing, malformed, bad, expired)."""
    return _claims(header, secret, [])["sub"]


def verify_login_token(header: str | None, secret: str) -> Principal:
    """``GET /auth/jwt/me``: a login JWT's subject and (string, non-empty) email."""
    claims = _claims(header, secret, ["email"])
    email = claims.get("email")
    if not isinstance(email, str) or not email:
        raise ApiError("unauthorized", "invalid token")
    return Principal(claims["sub"], email)


def issue_login_token(principal: Principal, secret: str, ttl_seconds: int) -> str:
    """``POST /auth/jwt/login``'s token: ``sub``, ``email``, ``iat``, ``exp = iat + ttl``."""
    now = int(time.time())
    claims = {"sub": principal.subject, "email": principal.email, "iat": now, "exp": now + ttl_seconds}
    return jwt.encode(claims, secret, algorithm="HS256")


def bad_credentials() -> ApiError:
    """Both logins answer an unknown email and a wrong password alike."""
    return ApiError("unauthorized", "invalid email or password")
