"""Every error in the contract's shape: ApiError, Werkzeug's HTTP errors (404 unknown route, 405
with its Allow header, 413 over MAX_CONTENT_LENGTH), and anything unexpected (500)."""

from __future__ import annotations

import sys

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from lab_contract.config import DRAIN_LIMIT_BYTES
from lab_contract.errors import ApiError, code_for_status, error_body


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    response = jsonify(error_body(code, message))
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _drain() -> None:
    """Reads what is left of a too-large body (up to a bound) before the 413 goes out: Werkzeug
    refuses it unread, and closing on unread input resets the client's socket, which may then
    never read the answer."""
    stream = request.environ.get("wsgi.input")
    drained = 0
    while stream is not None and drained < DRAIN_LIMIT_BYTES and (chunk := stream.read(64 * 1024)):
        drained += len(chunk)


def install_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> Response:
        return _error(error.status, error.code, error.message, error.headers)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        if status == 413:
            _drain()
        # Werkzeug's own headers carry Allow for a 405 (its methods, HEAD wherever GET is).
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        return _error(status, code_for_status(status), error.description or error.name, headers)

    @app.errorhandler(Exception)
    def internal_error(error: Exception) -> Response:
        # Unexpected by definition: one line on stderr (never on the benchmark paths).
        sys.stderr.write(f"internal error: {error!r}\n")
        return _error(500, "internal_error", "internal error")
