"""One blueprint per area of the contract, and what their views share."""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from lab_contract.jsonbody import parse_json, require_json


def lab() -> dict[str, Any]:
    """What the app factory set up: settings, upstream client, request log, meta."""
    return current_app.extensions["lab"]


def json_body() -> Any:
    """The request's JSON: application/json only (415), RFC 8259 (400 invalid_json), at most
    MAX_CONTENT_LENGTH bytes (413, raised by Werkzeug while reading)."""
    require_json(request.content_type)
    return parse_json(request.get_data(cache=False))
