"""Scenarios 03 and 04: ``/users`` through SQLAlchemy's AsyncSession."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy.exc import IntegrityError

from lab_contract import rules
from lab_contract.errors import ApiError
from lab_contract.fastapi_support import GET, ContractRoute
from lab_contract.pydantic_models import NewUser, ParamInt, User, UsersPage
from lab_sqlalchemy import statements as sql

from ..dependencies import JsonBody, Session

router = APIRouter(prefix="/users", route_class=ContractRoute)


@router.api_route("", methods=GET)
async def list_users(
    db: Session,
    limit: Annotated[ParamInt, Query(ge=rules.LIMIT[0], le=rules.LIMIT[1])] = rules.LIMIT[2],
    offset: Annotated[ParamInt, Query(ge=rules.OFFSET[0], le=rules.OFFSET[1])] = rules.OFFSET[2],
) -> UsersPage:
    users = (await db.scalars(sql.users_page(limit, offset))).all()
    return UsersPage(items=[User(**sql.user_json(user)) for user in users], limit=limit, offset=offset)


@router.api_route("/{user_id}", methods=GET)
async def get_user(
    db: Session, user_id: Annotated[ParamInt, Path(ge=rules.USER_ID[0], le=rules.USER_ID[1])]
) -> User:
    user = (await db.scalars(sql.user_by_id(user_id))).one_or_none()
    if user is None:
        raise ApiError("not_found", f"user {user_id} not found")
    return User(**sql.user_json(user))


@router.post("", status_code=201, dependencies=[JsonBody])
async def create_user(db: Session, new: NewUser) -> User:
    try:
        user = (await db.scalars(sql.create_user(new.name, new.email))).one()
        await db.commit()
    except IntegrityError as error:
        if sql.sqlstate(error) == sql.UNIQUE_VIOLATION:
            raise ApiError("conflict", f"a user with email {new.email} already exists") from None
        raise
    return User(**sql.user_json(user))
