"""ASGI pieces for the targets served by uvicorn."""

from __future__ import annotations

import json
from typing import Any

#: What Node's HTTP server accepts by default (``maxHeaderSize``); gunicorn's limits are similar.
MAX_HEADER_BYTES = 16 * 1024

_TOO_LARGE = json.dumps(
    {"error": {"code": "validation_failed", "message": f"request headers exceed {MAX_HEADER_BYTES} bytes"}}
).encode()


class HeaderLimit:
    """Refuses requests whose headers add up to more than 16 KiB with 431. uvicorn's httptools
    parser takes headers of any size (only its h11 parser has a limit), so a 2 MiB header would
    otherwise reach the application."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and sum(len(k) + len(v) for k, v in scope["headers"]) > MAX_HEADER_BYTES:
            await send(
                {
                    "type": "http.response.start",
                    "status": 431,
                    "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
                }
            )
            await send({"type": "http.response.body", "body": _TOO_LARGE})
            return
        await self.app(scope, receive, send)
