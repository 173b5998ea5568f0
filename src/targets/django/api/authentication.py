"""Bearer-token authentication, DRF's way: an authentication class (the check itself is the lab's
shared one, HS256 with exp and sub required)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from rest_framework import authentication, exceptions

from lab_contract.auth import Principal, bearer_token, verify_bearer, verify_login_token
from lab_contract.errors import WWW_AUTHENTICATE, ApiError
from lab_contract.redis_store import session_key, session_principal, session_token_shape


@dataclass(frozen=True)
class TokenUser:
    subject: str
    is_authenticated: bool = True


class BearerAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Any) -> tuple[TokenUser, None] | None:
        header = request.headers.get("Authorization")
        if header is None:
            return None  # not authenticated: IsAuthenticated answers 401
        try:
            return TokenUser(verify_bearer(header, settings.LAB.auth_secret)), None
        except ApiError as error:
            raise exceptions.AuthenticationFailed(error.message) from None

    def authenticate_header(self, request: Any) -> str:
        return WWW_AUTHENTICATE


@dataclass(frozen=True)
class PrincipalUser:
    """``request.user`` of the login-token and session routes (scenarios 16, 19)."""

    principal: Principal
    is_authenticated: bool = True


class LoginTokenAuthentication(BearerAuthentication):
    """``GET /auth/jwt/me``: a login JWT (HS256, ``exp``, ``sub`` and a string ``email``)."""

    def authenticate(self, request: Any) -> tuple[PrincipalUser, None] | None:
        header = request.headers.get("Authorization")
        if header is None:
            return None
        try:
            return PrincipalUser(verify_login_token(header, settings.LAB.auth_secret)), None
        except ApiError as error:
            raise exceptions.AuthenticationFailed(error.message) from None


class RedisSessionAuthentication(BearerAuthentication):
    """A session token as the bearer token: one ``GET session:{token}`` (the TTL left as it is)."""

    def authenticate(self, request: Any) -> tuple[PrincipalUser, str] | None:
        header = request.headers.get("Authorization")
        if header is None:
            return None
        try:
            token = session_token_shape(bearer_token(header))
            stored = apps.get_app_config("api").redis.get(session_key(token))
            return PrincipalUser(session_principal(stored)), token
        except ApiError as error:
            raise exceptions.AuthenticationFailed(error.message) from None
