"""The opaque cursor of ``GET /db/users/cursor``, byte for byte the one of src/data/errors.ts:
base64url (no padding) of the JSON array ``[createdAtIso, id]`` of a page's last row, with the
timestamp in UTC with milliseconds (``2024-01-01T00:00:00.000Z``)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import UTC, datetime

from .errors import ApiError

_CURSOR = re.compile(r"^[A-Za-z0-9_-]{1,200}$")
_ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
_MAX_SAFE_INTEGER = 2**53 - 1


def iso_ms(moment: datetime) -> str:
    """A timestamptz as JavaScript's ``Date#toISOString()`` prints it (UTC, milliseconds)."""
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def encode_cursor(created_at: str, row_id: int) -> str:
    text = json.dumps([created_at, row_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """``(created_at, id)`` of a cursor this endpoint produced, else ApiError ``invalid_cursor``."""
    invalid = ApiError("invalid_cursor", "invalid cursor")
    if not _CURSOR.match(cursor):
        raise invalid
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, RecursionError):
        raise invalid from None
    if not isinstance(value, list) or len(value) != 2:
        raise invalid
    created_at, row_id = value
    if not isinstance(created_at, str) or type(row_id) is not int:
        raise invalid
    if not 0 <= row_id <= _MAX_SAFE_INTEGER or not _ISO_MS.match(created_at):
        raise invalid
    try:
        moment = datetime.strptime(created_at, "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        raise invalid from None
    return moment, row_id
