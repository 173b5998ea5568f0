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


def install_domain_error_handler(app: FastAPI) -> None:
    @app.exception_handler(errors.DomainError)
    async def domain_error(_request: Request, error: errors.DomainError) -> JSONResponse:
        code = next((code for kind, code in _CODE_OF if isinstance(error, kind)), "internal_error")
        api = ApiError(code, str(error))  # type: ignore[arg-type]
        return JSONResponse(api.body(), status_code=api.status, headers=api.headers)
