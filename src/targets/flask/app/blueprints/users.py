"""Scenarios 03 and 04: ``/users`` through Flask-SQLAlchemy's session."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from sqlalchemy.exc import IntegrityError

from lab_contract import rules
from lab_contract.errors import ApiError
from lab_sqlalchemy import statements as sql

from ..extensions import database
from . import json_body

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.get("")
def list_users() -> dict[str, Any]:
    limit = rules.int_param(request.args, "limit", rules.LIMIT)
    offset = rules.int_param(request.args, "offset", rules.OFFSET)
    users = database.session.scalars(sql.users_page(limit, offset)).all()
    return {"items": [sql.user_json(user) for user in users], "limit": limit, "offset": offset}


@bp.get("/<user_id>")
def get_user(user_id: str) -> dict[str, Any]:
    wanted = rules.strict_int(user_id, "id", *rules.USER_ID)
    user = database.session.scalars(sql.user_by_id(wanted)).one_or_none()
    if user is None:
        raise ApiError("not_found", f"user {wanted} not found")
    return sql.user_json(user)


@bp.post("")
def create_user() -> tuple[dict[str, Any], int]:
    new = rules.parse_new_user(json_body())
    try:
        user = database.session.scalars(sql.create_user(new.name, new.email)).one()
        database.session.commit()
    except IntegrityError as error:
        if sql.sqlstate(error) == sql.UNIQUE_VIOLATION:
            raise ApiError("conflict", f"a user with email {new.email} already exists") from None
        raise
    return sql.user_json(user), 201
