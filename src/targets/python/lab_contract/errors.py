"""The one error shape of the contract: ``{"error": {"code", "message"}}`` and its statuses."""

from __future__ import annotations

from typing import Literal

ErrorCode = Literal[
    "invalid_json",
    "validation_failed",
    "invalid_cursor",
    "unauthorized",
    "not_found",
    "method_not_allowed",
    "conflict",
    "payload_too_large",
    "unsupported_media_type",
    "bad_gateway",
    "internal_error",
]

STATUS_OF: dict[str, int] = {
    "invalid_json": 400,
    "validation_failed": 400,
    "invalid_cursor": 400,
    "unauthorized": 401,
    "not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "bad_gateway": 502,
    "internal_error": 500,
}

#: The challenge every 401 carries.
WWW_AUTHENTICATE = 'Bearer realm="lab"'

#: The code of a framework's own HTTP error, by status (404 from routing, 413 from a body limit…).
CODE_OF_STATUS: dict[int, str] = {
    400: "validation_failed",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    411: "validation_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    502: "bad_gateway",
}


class ApiError(Exception):
    """Raised by shared and target code; each framework turns it into a response its own way."""

    def __init__(self, code: ErrorCode, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.code: str = code
        self.message = message
        self.status = STATUS_OF[code]
        self.headers = dict(headers or {})
        if code == "unauthorized":
            self.headers.setdefault("WWW-Authenticate", WWW_AUTHENTICATE)

    def body(self) -> dict[str, dict[str, str]]:
        return error_body(self.code, self.message)


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message or code}}


def code_for_status(status: int) -> str:
    """The contract code of an HTTP status a framework produced by itself."""
    if status in CODE_OF_STATUS:
        return CODE_OF_STATUS[status]
    return "validation_failed" if 400 <= status < 500 else "internal_error"


def allow_header(methods: set[str] | list[str]) -> str:
    """`Allow` of a path: its methods, HEAD wherever GET is, in a stable order."""
    declared = {method.upper() for method in methods}
    if "GET" in declared:
        declared.add("HEAD")
    order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
    return ", ".join(sorted(declared, key=lambda m: (order.index(m) if m in order else len(order), m)))
