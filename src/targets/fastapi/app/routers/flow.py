"""Scenario 19: the session author's posts. The session dependency is declared first, so it is
checked before parameters and body are validated (401 whatever else is wrong)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from lab_contract import rules
from lab_contract.errors import ApiError
from lab_contract.fastapi_support import GET, ContractRoute
from lab_contract.pydantic_models import PostId, PostRetitle, Size, Skip
from lab_sqlalchemy import statements as sql

from ..dependencies import JsonBody, Session
from .auth import SessionPrincipal

router = APIRouter(prefix="/flow/posts", route_class=ContractRoute)


@router.api_route("", methods=GET)
async def list_posts(
    principal: SessionPrincipal, db: Session, skip: Skip = 0, size: Size = rules.DB_SIZE[2]
) -> dict[str, Any]:
    rows = (await db.execute(sql.posts_of_author(int(principal.subject), skip, size))).all()
    return {"items": [sql.post_summary_json(row) for row in rows]}


@router.api_route("/{post_id}", methods=GET)
async def read_post(principal: SessionPrincipal, db: Session, post_id: PostId) -> dict[str, Any]:
    row = (await db.execute(sql.post_of_author(int(principal.subject), post_id))).one_or_none()
    if row is None:
        raise ApiError("not_found", f"post {post_id} not found")  # another author's too
    return sql.post_json(row)


@router.patch("/{post_id}", dependencies=[JsonBody])
async def retitle_post(
    principal: SessionPrincipal, db: Session, post_id: PostId, body: PostRetitle
) -> dict[str, Any]:
    row = (await db.execute(sql.retitle_post(int(principal.subject), post_id, body.title))).one_or_none()
    if row is None:
        raise ApiError("not_found", f"post {post_id} not found")
    await db.commit()
    return sql.post_json(row)
