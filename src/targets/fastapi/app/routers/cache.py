"""Scenarios 14–15: cache-aside on ``user:{id}`` with redis.asyncio in front of SQLAlchemy's
AsyncSession (served with REDIS_URL only)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response
from sqlalchemy.ext.asyncio import AsyncSession

from lab_contract.errors import ApiError
from lab_contract.fastapi_support import GET, ContractRoute
from lab_contract.pydantic_models import CacheWarm, UserId, UserRename
from lab_contract.redis_store import cache_info, to_json, user_key
from lab_sqlalchemy import statements as sql

from ..dependencies import JsonBody, Redis, Session, SettingsDep

router = APIRouter(prefix="/cache", route_class=ContractRoute)

#: SCAN's page size while flushing (each page's keys are unlinked in one command).
SCAN_COUNT = 1000


async def _user_from_database(db: AsyncSession, user_id: int) -> dict[str, Any]:
    user = (await db.scalars(sql.user_by_id(user_id))).one_or_none()
    if user is None:
        raise ApiError("not_found", f"user {user_id} not found")  # never cached
    return sql.user_json(user)


# {user_id:member}: the literal paths are not users (a method they lack is 405, see fastapi_support).
@router.post("/users/warm", dependencies=[JsonBody])
async def warm(db: Session, cache: Redis, settings: SettingsDep, body: CacheWarm) -> dict[str, int]:
    rows = (await db.execute(sql.users_in_range(body.from_, body.count))).all()
    if rows:
        # One round trip for every SET (no MULTI: a pipeline, not a transaction).
        async with cache.pipeline(transaction=False) as pipe:
            for row in rows:
                pipe.set(user_key(row.id), to_json(sql.user_row_json(row)), ex=settings.cache_ttl_seconds)
            await pipe.execute()
    return {"warmed": len(rows)}


@router.post("/users/flush")
async def flush(cache: Redis) -> dict[str, int]:
    """Every ``user:*`` key, page by page (SCAN, then UNLINK: freed off Redis's main thread);
    never FLUSHDB, the sessions live in the same database."""
    deleted, cursor = 0, 0
    while True:
        cursor, keys = await cache.scan(cursor, match="user:*", count=SCAN_COUNT)
        if keys:
            deleted += await cache.unlink(*keys)
        if cursor == 0:
            return {"deleted": deleted}


@router.api_route("/info", methods=GET)
async def info(settings: SettingsDep) -> dict[str, Any]:
    return cache_info(settings.db_pool, settings.cache_ttl_seconds)


@router.api_route("/users/{user_id:member}", methods=GET)
async def read(
    db: Session,
    cache: Redis,
    settings: SettingsDep,
    user_id: UserId,
    strategy: Literal["none", "aside", "miss"],
) -> Any:
    if strategy == "none":
        return await _user_from_database(db, user_id)
    key = user_key(user_id)
    if strategy == "aside":
        cached = await cache.get(key)
        if cached is not None:
            # A hit answers the stored JSON as it is: no database, no re-serialisation.
            return Response(cached, media_type="application/json")
    else:
        # The forced miss: DEL, then the GET that now misses, in one round trip.
        async with cache.pipeline(transaction=False) as pipe:
            await pipe.delete(key).get(key).execute()
    user = await _user_from_database(db, user_id)
    await cache.set(key, to_json(user), ex=settings.cache_ttl_seconds)
    return user


@router.patch("/users/{user_id:member}", dependencies=[JsonBody])
async def rename(db: Session, cache: Redis, user_id: UserId, body: UserRename) -> dict[str, Any]:
    row = (await db.execute(sql.rename_user(user_id, body.name))).one_or_none()
    if row is None:
        raise ApiError("not_found", f"user {user_id} not found")
    await db.commit()
    # Invalidation after the write is committed: a read in between sees the old entry at most
    # until this DEL, and the next read misses and finds the new name.
    await cache.delete(user_key(user_id))
    return sql.user_row_json(row)
