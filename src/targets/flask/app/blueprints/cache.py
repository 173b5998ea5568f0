"""Scenarios 14–15: cache-aside on ``user:{id}`` with redis-py in front of Flask-SQLAlchemy's
session (registered with REDIS_URL only)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from lab_contract import rules
from lab_contract.errors import ApiError
from lab_contract.redis_store import cache_info, to_json, user_key
from lab_sqlalchemy import statements as sql

from ..extensions import database
from . import json_body, lab, redis_client

bp = Blueprint("cache", __name__, url_prefix="/cache")

#: SCAN's page size while flushing (each page's keys are unlinked in one command).
SCAN_COUNT = 1000


def _user_id(raw: str) -> int:
    return rules.strict_int(raw, "id", *rules.USER_ID)


def _user_from_database(user_id: int) -> dict[str, Any]:
    user = database.session.scalars(sql.user_by_id(user_id)).one_or_none()
    if user is None:
        raise ApiError("not_found", f"user {user_id} not found")  # never cached
    return sql.user_json(user)


@bp.post("/users/warm")
def warm() -> dict[str, int]:
    first, count = rules.parse_warm(json_body())
    rows = database.session.execute(sql.users_in_range(first, count)).all()
    if rows:
        ttl = lab()["settings"].cache_ttl_seconds
        # One round trip for every SET (no MULTI: a pipeline, not a transaction).
        with redis_client().pipeline(transaction=False) as pipe:
            for row in rows:
                pipe.set(user_key(row.id), to_json(sql.user_row_json(row)), ex=ttl)
            pipe.execute()
    return {"warmed": len(rows)}


@bp.post("/users/flush")
def flush() -> dict[str, int]:
    """Every ``user:*`` key, page by page (SCAN, then UNLINK: freed off Redis's main thread);
    never FLUSHDB, the sessions live in the same database. A body is ignored."""
    cache = redis_client()
    deleted, cursor = 0, 0
    while True:
        cursor, keys = cache.scan(cursor, match="user:*", count=SCAN_COUNT)
        if keys:
            deleted += cache.unlink(*keys)
        if cursor == 0:
            return {"deleted": deleted}


@bp.get("/info")
def info() -> dict[str, Any]:
    settings = lab()["settings"]
    return cache_info(settings.db_pool, settings.cache_ttl_seconds)


@bp.get("/users/<member:raw_id>")
def read(raw_id: str) -> Any:
    user_id = _user_id(raw_id)
    strategy = rules.one_of(request.args.get("strategy"), "strategy", rules.CACHE_STRATEGIES)
    if strategy == "none":
        return _user_from_database(user_id)
    cache, key = redis_client(), user_key(user_id)
    if strategy == "aside":
        cached = cache.get(key)
        if cached is not None:
            # A hit answers the stored JSON as it is: no database, no re-serialisation.
            return Response(cached, mimetype="application/json")
    else:
        # The forced miss: DEL, then the GET that now misses, in one round trip.
        cache.pipeline(transaction=False).delete(key).get(key).execute()
    user = _user_from_database(user_id)
    cache.set(key, to_json(user), ex=lab()["settings"].cache_ttl_seconds)
    return user


@bp.patch("/users/<member:raw_id>")
def rename(raw_id: str) -> dict[str, Any]:
    user_id = _user_id(raw_id)
    name = rules.parse_rename(json_body())
    row = database.session.execute(sql.rename_user(user_id, name)).one_or_none()
    if row is None:
        raise ApiError("not_found", f"user {user_id} not found")
    database.session.commit()
    # Invalidation after the write is committed: a read in between sees the old entry at most
    # until this DEL, and the next read misses and finds the new name.
    redis_client().delete(user_key(user_id))
    return sql.user_row_json(row)
