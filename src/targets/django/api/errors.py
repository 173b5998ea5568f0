"""Every error in the contract's shape: DRF's exceptions (through its EXCEPTION_HANDLER hook),
the lab's ApiError, unique violations, and Django's 400/404/500 handlers."""

from __future__ import annotations

import sys

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response

from lab_contract.errors import ApiError, code_for_status, error_body

UNIQUE_VIOLATION = "23505"


def _message(detail: object) -> str:
    """DRF's error details (nested lists and dicts of ErrorDetail) as one line."""
    if isinstance(detail, dict):
        return "; ".join(f"{key}: {_message(value)}" for key, value in detail.items())
    if isinstance(detail, list):
        return ", ".join(_message(item) for item in detail)
    return str(detail)


def contract_exception_handler(exc: Exception, _context: dict) -> Response | None:
    headers: dict[str, str] = {}
    if isinstance(exc, ApiError):
        return Response(exc.body(), status=exc.status, headers=exc.headers)
    if isinstance(exc, IntegrityError) and getattr(exc.__cause__, "sqlstate", None) == UNIQUE_VIOLATION:
        return Response(error_body("conflict", "a row with this unique key already exists"), status=409)
    if isinstance(exc, RequestDataTooBig):
        return Response(error_body("payload_too_large", str(exc)), status=413)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if not isinstance(exc, exceptions.APIException):
        return None  # unexpected: Django's 500 handler answers (and logs it)
    if auth_header := getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = auth_header
    # (A ParseError is a malformed multipart form, 400 validation_failed: malformed JSON is
    # ContractJSONParser's ApiError invalid_json.)
    status = exc.status_code
    return Response(error_body(code_for_status(status), _message(exc.detail)), status=status, headers=headers)


def not_found(request, exception=None):  # type: ignore[no-untyped-def]
    return JsonResponse(error_body("not_found", f"no route for {request.method} {request.path}"), status=404)


def bad_request(request, exception=None):  # type: ignore[no-untyped-def]
    return JsonResponse(error_body("validation_failed", "bad request"), status=400)


def server_error(request):  # type: ignore[no-untyped-def]
    sys.stderr.write(f"internal error: {request.method} {request.path}\n")
    return JsonResponse(error_body("internal_error", "internal error"), status=500)
