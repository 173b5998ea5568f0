"""Scenarios 01, 02 and 05, and the lab's /meta."""

from __future__ import annotations

from typing import Any

import httpx
from flask import Blueprint

from lab_contract.errors import ApiError
from lab_contract.jsonbody import json_object

from . import json_body, lab

bp = Blueprint("basic", __name__)


@bp.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@bp.get("/meta")
def meta() -> dict[str, Any]:
    return lab()["meta"]


@bp.post("/echo")
def echo() -> dict[str, Any]:
    """Any JSON object, back as it came (``__proto__`` or ``constructor`` keys are just keys)."""
    return json_object(json_body())


@bp.get("/external")
def external() -> Any:
    """``GET {UPSTREAM_URL}/data``, its JSON body passed on; any failure is 502."""
    try:
        response = lab()["upstream"].get("/data")
        response.raise_for_status()
        return response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise ApiError("bad_gateway", f"upstream failed: {error}") from None
