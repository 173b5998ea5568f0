"""Scenario 19: the session author's posts. The session dependency is declared first: it runs
before parameters and body are validated (401 whatever else is wrong)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from lab_contract import rules
from lab_contract.fastapi_support import GET, ContractRoute, json_content
from lab_contract.pydantic_models import PostId, PostRetitle, Size, Skip

from ...domain.model import AuthorPost
from ..dependencies import ManageOwnPosts, SessionPrincipal

router = APIRouter(prefix="/flow/posts", route_class=ContractRoute)


def _post(post: AuthorPost) -> dict[str, Any]:
    return {
        "id": post.id,
        "authorId": post.author_id,
        "title": post.title,
        "body": post.body,
        "viewCount": post.view_count,
    }


@router.api_route("", methods=GET)
async def list_posts(
    principal: SessionPrincipal,
    posts: ManageOwnPosts,
    skip: Skip = 0,
    size: Size = rules.DB_SIZE[2],
) -> dict[str, Any]:
    page = await posts.list(principal, skip, size)
    return {"items": [{"id": p.id, "title": p.title, "viewCount": p.view_count} for p in page]}


@router.api_route("/{post_id}", methods=GET)
async def read_post(principal: SessionPrincipal, posts: ManageOwnPosts, post_id: PostId) -> dict[str, Any]:
    return _post(await posts.read(principal, post_id))


@router.patch("/{post_id}", dependencies=[Depends(json_content)])
async def retitle_post(
    principal: SessionPrincipal, posts: ManageOwnPosts, post_id: PostId, body: PostRetitle
) -> dict[str, Any]:
    return _post(await posts.retitle(principal, post_id, body.title))
