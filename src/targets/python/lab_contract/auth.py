"""Bearer-token auth of ``GET /protected``: HS256 JWT with required ``exp`` and ``sub``."""

from __future__ import annotations

import re

import jwt

from .errors import ApiError

_BEARER = re.compile(r"^Bearer ([A-Za-z0-9._~+/-]+=*)$")


def verify_bearer(header: str | None, secret: str) -> str:
    """The token's subject, or ApiError ``unauthorized`` (missing, malformed, bad, expired)."""
    if not header:
        raise ApiError("unauthorized", "missing bearer token")
    match = _BEARER.match(header)
    if not match:
        raise ApiError("unauthorized", "malformed Authorization header")
    try:
        # algorithms pins HS256: an unsigned (alg none) or RS256 token is refused.
        claims = jwt.decode(
            match.group(1),
            secret,
            algorithms=["HS256"],
            options={"require": ["exp", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise ApiError("unauthorized", "token expired") from None
    except jwt.InvalidTokenError:
        raise ApiError("unauthorized", "invalid token") from None
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise ApiError("unauthorized", "invalid token")
    return subject
