"""Scenario 19: the session author's posts. The session is the blueprint's ``before_request``, so
it is checked before parameters and body are read (401 whatever else is wrong)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, request

from lab_contract import rules
from lab_contract.errors import ApiError
from lab_sqlalchemy import statements as sql

from ..extensions import database
from . import json_body
from .auth import session_of

bp = Blueprint("flow", __name__, url_prefix="/flow/posts")


@bp.before_request
def session_auth() -> None:
    g.author_id = int(session_of().subject)


def _post_id(raw: str) -> int:
    return rules.strict_int(raw, "id", *rules.POST_ID)


@bp.get("")
def list_posts() -> dict[str, Any]:
    skip = rules.int_param(request.args, "skip", rules.DB_SKIP)
    size = rules.int_param(request.args, "size", rules.DB_SIZE)
    rows = database.session.execute(sql.posts_of_author(g.author_id, skip, size)).all()
    return {"items": [sql.post_summary_json(row) for row in rows]}


@bp.get("/<raw_id>")
def read_post(raw_id: str) -> dict[str, Any]:
    post_id = _post_id(raw_id)
    row = database.session.execute(sql.post_of_author(g.author_id, post_id)).one_or_none()
    if row is None:
        raise ApiError("not_found", f"post {post_id} not found")  # another author's too
    return sql.post_json(row)


@bp.patch("/<raw_id>")
def retitle_post(raw_id: str) -> dict[str, Any]:
    post_id = _post_id(raw_id)
    title = rules.parse_retitle(json_body())
    row = database.session.execute(sql.retitle_post(g.author_id, post_id, title)).one_or_none()
    if row is None:
        raise ApiError("not_found", f"post {post_id} not found")
    database.session.commit()
    return sql.post_json(row)
