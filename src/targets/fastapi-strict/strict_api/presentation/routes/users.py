"""Scenarios 03 and 04."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from lab_contract import rules
from lab_contract.fastapi_support import GET, ContractRoute, json_content
from lab_contract.pydantic_models import NewUser, ParamInt, User, UsersPage

from ...domain import model
from ..dependencies import GetUser, ListUsers, RegisterUser
from . import user_json

router = APIRouter(prefix="/users", route_class=ContractRoute)


@router.api_route("", methods=GET)
async def list_users(
    list_users: ListUsers,
    limit: Annotated[ParamInt, Query(ge=rules.LIMIT[0], le=rules.LIMIT[1])] = rules.LIMIT[2],
    offset: Annotated[ParamInt, Query(ge=rules.OFFSET[0], le=rules.OFFSET[1])] = rules.OFFSET[2],
) -> UsersPage:
    users = await list_users(limit, offset)
    return UsersPage(items=[User(**user_json(user)) for user in users], limit=limit, offset=offset)


@router.api_route("/{user_id}", methods=GET)
async def get_user(
    get_user: GetUser, user_id: Annotated[ParamInt, Path(ge=rules.USER_ID[0], le=rules.USER_ID[1])]
) -> User:
    return User(**user_json(await get_user(user_id)))


@router.post("", status_code=201, dependencies=[Depends(json_content)])
async def create_user(register_user: RegisterUser, new: NewUser) -> User:
    return User(**user_json(await register_user(model.NewUser(new.name, new.email))))
