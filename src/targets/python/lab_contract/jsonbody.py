"""Request JSON as the contract reads it: RFC 8259 only (Python's json also takes NaN and
Infinity, which are not JSON), any depth the parser manages, and the contract's 400s."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

from .cursor import iso_ms
from .errors import ApiError


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def parse_json(body: bytes) -> Any:
    """The JSON value of a request body, or ApiError ``invalid_json``."""
    if not body:
        raise ApiError("invalid_json", "request body is empty")
    try:
        return json.loads(body, parse_constant=_not_json)
    except RecursionError:
        raise ApiError("invalid_json", "request body nests too deeply") from None
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ApiError("invalid_json", "request body is not valid JSON") from None


def media_type(content_type: str | None) -> str:
    """``application/json`` of ``Application/JSON; charset=utf-8``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def require_json(content_type: str | None) -> None:
    """POST bodies of the contract are ``application/json`` only (else 415)."""
    if media_type(content_type) != "application/json":
        raise ApiError("unsupported_media_type", "expected application/json")


def json_object(value: Any) -> dict[str, Any]:
    """``POST /echo`` takes any JSON object (``__proto__`` keys included), nothing else."""
    if not isinstance(value, dict):
        raise ApiError("validation_failed", "body must be a JSON object")
    return value


def json_value(value: Any) -> Any:
    """A database value as the contract's JSON has it (as src/data/pg/layer.ts normalises):
    timestamptz → ISO string with milliseconds, date → 'YYYY-MM-DD', numeric → string as
    PostgreSQL prints it, uuid → string; the rest as the driver gives it."""
    if isinstance(value, dt.datetime):
        return iso_ms(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value
