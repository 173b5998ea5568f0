"""Scenarios 14–15: cache-aside, each route running one use case (mounted with REDIS_URL only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from lab_contract.fastapi_support import GET, ContractRoute, json_content
from lab_contract.pydantic_models import CacheWarm, User, UserId, UserRename

from ...domain.model import CacheStrategy
from ..dependencies import ContainerDep, ReadUserThroughCache, RenameUser, WarmUserCache
from . import user_json

router = APIRouter(prefix="/cache", route_class=ContractRoute)


@router.post("/users/warm", dependencies=[Depends(json_content)])
async def warm(warm_user_cache: WarmUserCache, body: CacheWarm) -> dict[str, int]:
    return {"warmed": await warm_user_cache(body.from_, body.count)}


@router.post("/users/flush")
async def flush(app: ContainerDep) -> dict[str, int]:
    return {"deleted": await app.flush_user_cache()()}


@router.api_route("/info", methods=GET)
async def info(app: ContainerDep) -> dict[str, Any]:
    described = app.user_cache_port().info()
    return {
        "client": described.client,
        "connections": described.connections,
        "ttlSeconds": described.ttl_seconds,
    }


# {user_id:member}: the literal paths above are not users (a method they lack is 405).
@router.api_route("/users/{user_id:member}", methods=GET)
async def read(read_user: ReadUserThroughCache, user_id: UserId, strategy: CacheStrategy) -> User:
    return User(**user_json(await read_user(user_id, strategy)))


@router.patch("/users/{user_id:member}", dependencies=[Depends(json_content)])
async def rename(rename_user: RenameUser, user_id: UserId, body: UserRename) -> User:
    return User(**user_json(await rename_user(user_id, body.name)))
