"""One router per area of the contract, each with ``ContractRoute`` (or a subclass) as its route
class: FastAPI's documented hook for a custom Request class."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from lab_contract.config import JSON_BODY_LIMIT_BYTES
from lab_contract.errors import ApiError
from lab_contract.jsonbody import parse_json

#: GET routes answer HEAD too (the same, without a body: uvicorn drops it). FastAPI routes take
#: only the methods they list, and the contract allows HEAD wherever GET is.
GET = ["GET", "HEAD"]
#: How much of a too-large body is still read (and dropped) before the 413.
DRAIN_LIMIT_BYTES = 64 * 1024 * 1024


class ContractRequest(Request):
    """The contract's request bodies: at most ``max_body`` bytes (413 above), and JSON as RFC 8259 says: Python's json also takes NaN and
    Infinity, and gives up on deep nesting with RecursionError; both are 400 invalid_json.

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
            # Past the limit the rest is still read (up to a bound) and dropped before the 413,
            # as Node's servers do: a server that answers and closes on unread input makes the
            # client's socket reset, and the 413 may never be read.
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
    """Hands the endpoint a ContractRequest."""

    request_class: type[ContractRequest] = ContractRequest

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handle = super().get_route_handler()
        request_class = self.request_class

        async def contract_request(request: Request) -> Response:
            return await handle(request_class(request.scope, request.receive))

        return contract_request
