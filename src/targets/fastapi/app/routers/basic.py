"""Scenarios 01, 02 and 05, and the lab's /meta."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Body

from lab_contract.errors import ApiError
from lab_contract.fastapi_support import GET, ContractRoute

from ..dependencies import JsonBody, Meta, Upstream

router = APIRouter(route_class=ContractRoute)


@router.api_route("/health", methods=GET)
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.api_route("/meta", methods=GET)
async def meta(target: Meta) -> dict[str, Any]:
    return target


@router.post("/echo", dependencies=[JsonBody])
async def echo(payload: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    """Any JSON object, back as it came (``__proto__`` or ``constructor`` keys are just keys)."""
    return payload


@router.api_route("/external", methods=GET)
async def external(upstream: Upstream) -> Any:
    """``GET {UPSTREAM_URL}/data``, its JSON body passed on; any failure is 502."""
    try:
        response = await upstream.get("/data")
        response.raise_for_status()
        return response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise ApiError("bad_gateway", f"upstream failed: {error}") from None
