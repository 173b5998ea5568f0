"""One blueprint per area of the contract, and what their views share."""

from __future__ import annotations

from typing import Any

import redis
from flask import current_app, request
from werkzeug.routing import BaseConverter

from lab_contract.jsonbody import parse_json, require_json


def lab() -> dict[str, Any]:
    """What the app factory set up: settings, upstream client, request log, meta."""
    return current_app.extensions["lab"]


def redis_client() -> redis.Redis:
    """The Redis client (its blueprints are registered with REDIS_URL only)."""
    return current_app.extensions["lab"]["redis"]


class MemberConverter(BaseConverter):
    """A path segment naming a member, not one of its collection's literal paths: a literal path
    wins, as in OpenAPI, so ``PATCH /cache/users/warm`` is 405 with ``Allow: POST`` rather than a
    rename of user "warm" (Werkzeug would otherwise try the templated rule once the literal one
    lacks the method)."""

    regex = r"(?!(?:warm|flush)$)[^/]+"


def json_body() -> Any:
    """The request's JSON: application/json only (415), RFC 8259 (400 invalid_json), at most
    MAX_CONTENT_LENGTH bytes (413, raised by Werkzeug while reading)."""
    require_json(request.content_type)
    return parse_json(request.get_data(cache=False))
