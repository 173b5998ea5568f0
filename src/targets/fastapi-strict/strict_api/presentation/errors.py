"""Domain errors in the contract's terms."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from lab_contract.errors import ApiError

from ..domain import errors

_CODE_OF: list[tuple[type[errors.DomainError], str]] = [
    (errors.NotFound, "not_found"),
    (errors.Conflict, "conflict"),
    (errors.UnsupportedStrategy, "validation_failed"),
    (errors.InvalidCredentials, "unauthorized"),
    (errors.UpstreamUnavailable, "bad_gateway"),
    (errors.FileTooLarge, "payload_too_large"),
]


def api_error(error: errors.DomainError) -> ApiError:
    code = next((code for kind, code in _CODE_OF if isinstance(error, kind)), "internal_error")
    return ApiError(code, str(error))  # type: ignore[arg-type]


def status_of(error: Exception) -> int:
    """The status an exception raised in a route will be answered with."""
    if isinstance(error, errors.DomainError):
        return api_error(error).status
    return getattr(error, "status", None) or getattr(error, "status_code", None) or 500


def install_domain_error_handler(app: FastAPI) -> None:
    @app.exception_handler(errors.DomainError)
    async def domain_error(_request: Request, error: errors.DomainError) -> JSONResponse:
        api = api_error(error)
        return JSONResponse(api.body(), status_code=api.status, headers=api.headers)
