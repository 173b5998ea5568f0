"""Scenarios 01, 02 and 05, and the lab's /meta."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from lab_contract.fastapi_support import GET, ContractRoute, json_content

from ..dependencies import ContainerDep

router = APIRouter(route_class=ContractRoute)


@router.api_route("/health", methods=GET)
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.api_route("/meta", methods=GET)
async def meta(app: ContainerDep) -> dict[str, Any]:
    return app.meta


@router.post("/echo", dependencies=[Depends(json_content)])
async def echo(payload: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    """Any JSON object, back as it came (``__proto__`` or ``constructor`` keys are just keys)."""
    return payload


@router.api_route("/external", methods=GET)
async def external(app: ContainerDep) -> Any:
    return await app.fetch_upstream_data()
