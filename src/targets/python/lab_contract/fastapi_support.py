"""The contract's HTTP rules as FastAPI plumbing, shared by the two FastAPI targets (which differ
in architecture, not in how they speak HTTP): strict JSON and body limits through a custom
Request/APIRoute class (FastAPI's documented hook), the error handlers that give every error the
contract's shape, 405 with the path's Allow, the content-type dependencies, and a header limit."""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from .config import DRAIN_LIMIT_BYTES, JSON_BODY_LIMIT_BYTES
from .errors import ApiError, allow_header, code_for_status, error_body
from .jsonbody import media_type, parse_json, require_json
from .request_log import LogEntry
from .rules import only_file_part

#: GET routes answer HEAD too (the same, without a body: uvicorn drops it). FastAPI routes take
#: only the methods they list, and the contract allows HEAD wherever GET is.
GET = ["GET", "HEAD"]
#: What Node's HTTP server accepts by default (``maxHeaderSize``); gunicorn's limits are similar.
MAX_HEADER_BYTES = 16 * 1024


class MemberConvertor(Convertor[str]):
    """``{id:member}``: a path segment naming a member, not one of its collection's literal paths.
    A literal path wins, as in OpenAPI: ``PATCH /cache/users/warm`` is 405 with ``Allow: POST``,
    where Starlette would otherwise hand it to ``PATCH /cache/users/{id}`` (whose body and id
    checks would answer 415 or 400). The value stays text: the route's parameter validates it."""

    regex = r"(?!(?:warm|flush)(?:/|$))[^/]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("member", MemberConvertor())


class ContractRequest(Request):
    """The contract's request bodies: at most ``max_body`` bytes (413 above), and JSON as RFC 8259
    says: Python's json also takes NaN and Infinity, and gives up on deep nesting with
    RecursionError; both are 400 invalid_json.

    (FastAPI's own ``max_body_size`` would do the first, but Starlette then answers a too-large
    Content-Length with its own text/plain 413 instead of the contract's JSON error.)"""

    max_body = JSON_BODY_LIMIT_BYTES

    async def stream(self) -> AsyncGenerator[bytes, None]:
        size = 0
        async for chunk in super().stream():
            size += len(chunk)
            if size <= self.max_body:
                yield chunk
            elif size > DRAIN_LIMIT_BYTES:
                break
            # Past the limit the rest is still read (up to DRAIN_LIMIT_BYTES) and dropped.
        if size > self.max_body:
            # An HTTPException: FastAPI re-raises those from body parsing as they are.
            raise HTTPException(413, f"request body exceeds {self.max_body} bytes")

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = parse_json(body)
            except ApiError as error:
                # What FastAPI turns into its json_invalid validation error (400 invalid_json).
                raise json.JSONDecodeError(error.message, body.decode("utf-8", "replace"), 0) from None
        return self._json


class ContractRoute(APIRoute):
    """Hands the endpoint a ContractRequest (``request_class``)."""

    request_class: type[ContractRequest] = ContractRequest

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handle = super().get_route_handler()
        request_class = self.request_class

        async def contract_request(request: Request) -> Response:
            return await handle(request_class(request.scope, request.receive))

        return contract_request


def _status_of(error: Exception) -> int:
    if isinstance(error, HTTPException):
        return error.status_code
    return error.status if isinstance(error, ApiError) else 500


def logging_route(
    record: Callable[[Request, LogEntry], None], status_of: Callable[[Exception], int] = _status_of
) -> type[ContractRoute]:
    """Scenario 06's request logging for the routes of one router: a route class wrapping their
    handling (FastAPI's hook for it), ``record`` called with ``{method, path, status, durationMs}``
    once the handler is done, the 401s of the auth dependency included (``status_of`` says what
    an exception will answer)."""

    class LoggedRoute(ContractRoute):
        def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
            handle = super().get_route_handler()

            async def logged(request: Request) -> Response:
                started = time.perf_counter()
                status = 500
                try:
                    response = await handle(request)
                    status = response.status_code
                    return response
                except Exception as error:
                    status = status_of(error)
                    raise
                finally:
                    duration_ms = (time.perf_counter() - started) * 1000
                    record(request, LogEntry(request.method, request.url.path, status, duration_ms))

            return logged

    return LoggedRoute


def route_with_body_limit(max_body: int, base: type[ContractRoute] = ContractRoute) -> type[ContractRoute]:
    """A route class whose requests may carry ``max_body`` bytes (``POST /upload``)."""
    request_class = type("LimitedRequest", (base.request_class,), {"max_body": max_body})
    return type("LimitedRoute", (base,), {"request_class": request_class})


def json_content(request: Request) -> None:
    """Dependency: the contract's JSON bodies are application/json only (415, before the body
    is validated)."""
    require_json(request.headers.get("content-type"))


def multipart_content(request: Request) -> None:
    if media_type(request.headers.get("content-type")) != "multipart/form-data":
        raise ApiError("unsupported_media_type", "expected multipart/form-data")


async def one_file_part(request: Request) -> None:
    """Dependency of ``POST /upload`` (after multipart_content): the form's one part is the file
    ``file``. FastAPI binds the ``file`` parameter from the form it parsed (``request.form()``
    gives that one again) and would ignore any other part, or take the last of two ``file``s."""
    files: list[str] = []
    fields: list[str] = []
    for name, value in (await request.form()).multi_items():
        (files if isinstance(value, UploadFile) else fields).append(name)
    only_file_part(files, fields)


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


def contract_app(
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[Any]], routers: list[APIRouter]
) -> FastAPI:
    """A FastAPI app in production trim: no interactive docs or schema routes (they would answer
    where the contract says 404), no redirect from /users/ to /users, the contract's error
    handlers, ``routers`` included."""
    app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None, redirect_slashes=False)
    install_contract_handlers(app, routers)
    for router in routers:
        app.include_router(router)
    return app


def install_contract_handlers(app: FastAPI, routers: list[APIRouter]) -> None:
    """Every error in the contract's shape, and the header limit."""
    # Starlette's 405 names the methods of the first route whose path matched; a path served by
    # several routes (GET and POST /users) needs all of theirs.
    routes: list[tuple[re.Pattern[str], set[str]]] = [
        (route.path_regex, set(route.methods))
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
    ]

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

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        if error.status_code == 405:
            path = request.url.path
            allowed = {method for pattern, methods in routes if pattern.match(path) for method in methods}
            message = f"{request.method} is not allowed here"
            return _error(405, "method_not_allowed", message, {"Allow": allow_header(allowed)})
        message = error.detail if isinstance(error.detail, str) else "request failed"
        return _error(error.status_code, code_for_status(error.status_code), message, error.headers)

    @app.exception_handler(Exception)
    async def internal_error(_request: Request, error: Exception) -> JSONResponse:
        # Unexpected by definition: one line on stderr (never on the benchmark paths).
        sys.stderr.write(f"internal error: {error!r}\n")
        return _error(500, "internal_error", "internal error")

    app.add_middleware(HeaderLimit)


_HEADERS_TOO_LARGE = json.dumps(
    error_body("validation_failed", f"request headers exceed {MAX_HEADER_BYTES} bytes")
).encode()


class HeaderLimit:
    """Refuses requests whose headers add up to more than 16 KiB with 431. uvicorn's httptools
    parser takes headers of any size (only its h11 parser has a limit), so a 2 MiB header would
    otherwise reach the application."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and sum(len(k) + len(v) for k, v in scope["headers"]) > MAX_HEADER_BYTES:
            headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
            await send({"type": "http.response.start", "status": 431, "headers": headers})
            await send({"type": "http.response.body", "body": _HEADERS_TOO_LARGE})
            return
        await self.app(scope, receive, send)
