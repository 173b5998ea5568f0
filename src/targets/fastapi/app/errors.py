"""Every error in the contract's shape: ApiError, FastAPI's validation errors, Starlette's HTTP
errors (404 unknown route, 405 with the path's Allow, 413 over the body limit), and the rest."""

from __future__ import annotations

import re
import sys

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from fastapi.routing import APIRoute

from lab_contract.errors import ApiError, allow_header, code_for_status, error_body


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


def methods_by_path(routers: list[APIRouter]) -> list[tuple[re.Pattern[str], set[str]]]:
    """Each route's path pattern and methods. Starlette's 405 names the methods of the first
    route whose path matched; a path served by several routes (GET and POST /users) needs all."""
    return [
        (route.path_regex, set(route.methods))
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
    ]


def install_error_handlers(app: FastAPI, routers: list[APIRouter]) -> None:
    routes = methods_by_path(routers)

    def allowed_methods(path: str) -> set[str]:
        return {method for pattern, methods in routes if pattern.match(path) for method in methods}

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, error: ApiError) -> JSONResponse:
        return _error(error.status, error.code, error.message, error.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = error.errors()
        if any(problem.get("type") == "json_invalid" for problem in problems):
            return _error(400, "invalid_json", "request body is not valid JSON")
        first = problems[0] if problems else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        return _error(400, "validation_failed", f"{where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 405:
            allow = allow_header(allowed_methods(request.url.path))
            return _error(405, "method_not_allowed", f"{request.method} is not allowed here", {"Allow": allow})
        message = error.detail if isinstance(error.detail, str) else "request failed"
        return _error(error.status_code, code_for_status(error.status_code), message, error.headers)

    @app.exception_handler(Exception)
    async def internal_error(_request: Request, error: Exception) -> JSONResponse:
        # Unexpected by definition: one line on stderr (never on the benchmark paths).
        sys.stderr.write(f"internal error: {error!r}\n")
        return _error(500, "internal_error", "internal error")
