"""Scenario 06: request logging, then bearer auth, then the handler, as the blueprint's
``before_request`` / ``after_request`` hooks (Flask's middleware for a group of routes)."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, Response, g, request

from lab_contract.auth import verify_bearer
from lab_contract.request_log import LogEntry

from . import lab

bp = Blueprint("protected", __name__)


@bp.before_request
def start_clock() -> None:
    g.started = time.perf_counter()


@bp.before_request
def bearer_auth() -> None:
    g.subject = verify_bearer(request.headers.get("Authorization"), lab()["settings"].auth_secret)


@bp.after_request
def log_request(response: Response) -> Response:
    # Runs for error responses too (401s from bearer_auth included), before the response is sent.
    lab()["request_log"].append(
        LogEntry(request.method, request.path, response.status_code, (time.perf_counter() - g.started) * 1000)
    )
    return response


@bp.get("/protected")
def protected() -> dict[str, Any]:
    return {"subject": g.subject, "logged": lab()["request_log"].size}
