"""Bearer-token authentication, DRF's way: an authentication class (the check itself is the lab's
shared one, HS256 with exp and sub required)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from rest_framework import authentication, exceptions

from lab_contract.auth import verify_bearer
from lab_contract.errors import WWW_AUTHENTICATE, ApiError


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
