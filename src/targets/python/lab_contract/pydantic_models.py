"""Pydantic v2 models of the contract's bodies and parameters, for the FastAPI targets. Strict
mode: a JSON string is not an integer, a number is not a string; unknown properties are refused
(``extra="forbid"``); strings stored in PostgreSQL hold no U+0000."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from . import rules


def _decimal_text(value: Any) -> Any:
    # Query and path integers: strict decimal text only (not "+7", " 7", "1_0" or "1e3", which
    # Pydantic's lax int parsing would take), as in every target.
    if isinstance(value, str) and not rules.INTEGER_TEXT.match(value):
        raise ValueError("must be an integer")
    return value


#: An integer in a query string or path.
ParamInt = Annotated[int, BeforeValidator(_decimal_text)]
#: ``size`` and ``skip``/``after`` of the /db routes.
Size = Annotated[ParamInt, Query(ge=rules.DB_SIZE[0], le=rules.DB_SIZE[1])]
Skip = Annotated[ParamInt, Query(ge=rules.DB_SKIP[0], le=rules.DB_SKIP[1])]
#: ``cursor`` of ``GET /db/users/cursor``: the contract's ``Cursor`` shape, else 400
#: validation_failed (decoding it is the route's: invalid_cursor).
Cursor = Annotated[str | None, Query(pattern=rules.CURSOR_PATTERN)]

#: A string stored in PostgreSQL.
NoNul = AfterValidator(rules.refuse_nul)
#: A JSON integer: strict mode takes no float, but 7.0 is the integer 7 in JSON Schema.
JsonInt = Annotated[int, BeforeValidator(rules.json_int)]


class ContractModel(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class NewUser(ContractModel):
    name: Annotated[
        str, StringConstraints(min_length=rules.NAME_LENGTH[0], max_length=rules.NAME_LENGTH[1]), NoNul
    ]
    email: Annotated[
        str, StringConstraints(max_length=rules.EMAIL_MAX_LENGTH, pattern=rules.EMAIL_PATTERN), NoNul
    ]


class User(ContractModel):
    id: int
    name: str
    email: str
    createdAt: str


class UsersPage(ContractModel):
    items: list[User]
    limit: int
    offset: int


class ProtectedResult(ContractModel):
    subject: str
    logged: int


class UploadResult(ContractModel):
    size: int
    sha256: str


Sku = Annotated[str, StringConstraints(min_length=rules.SKU_LENGTH[0], max_length=rules.SKU_LENGTH[1]), NoNul]
Quantity = Annotated[JsonInt, Field(ge=rules.QUANTITY[0], le=rules.QUANTITY[1])]


class NewBulkItem(ContractModel):
    sku: Sku
    name: Annotated[
        str,
        StringConstraints(min_length=rules.ITEM_NAME_LENGTH[0], max_length=rules.ITEM_NAME_LENGTH[1]),
        NoNul,
    ]
    quantity: Quantity
    price: Annotated[str, StringConstraints(pattern=rules.PRICE_PATTERN)]


class BulkInsert(ContractModel):
    items: Annotated[
        list[NewBulkItem], Field(min_length=rules.BULK_ENTRIES[0], max_length=rules.BULK_ENTRIES[1])
    ]


class BulkUpdateEntry(ContractModel):
    sku: Sku
    quantity: Quantity


class BulkUpdate(ContractModel):
    updates: Annotated[
        list[BulkUpdateEntry], Field(min_length=rules.BULK_ENTRIES[0], max_length=rules.BULK_ENTRIES[1])
    ]


class Decrement(ContractModel):
    quantity: Annotated[JsonInt, Field(ge=rules.DECREMENT_QUANTITY[0], le=rules.DECREMENT_QUANTITY[1])]


class Written(ContractModel):
    written: int


class Updated(ContractModel):
    updated: int


class Decremented(ContractModel):
    ok: bool
    retries: int


# ---- 14–19: the contract groups -------------------------------------------------------------

#: A user id in a path (``/cache/users/{id}``) and a post id (``/flow/posts/{id}``).
UserId = Annotated[ParamInt, Path(ge=rules.USER_ID[0], le=rules.USER_ID[1])]
PostId = Annotated[ParamInt, Path(ge=rules.POST_ID[0], le=rules.POST_ID[1])]
TopAuthorsSize = Annotated[ParamInt, Query(ge=rules.TOP_AUTHORS_SIZE[0], le=rules.TOP_AUTHORS_SIZE[1])]
SearchTerm = Annotated[
    str,
    Query(
        min_length=rules.SEARCH_TERM_LENGTH[0],
        max_length=rules.SEARCH_TERM_LENGTH[1],
        pattern=rules.SEARCH_TERM_PATTERN,
    ),
]


class UserRename(ContractModel):
    name: Annotated[
        str, StringConstraints(min_length=rules.NAME_LENGTH[0], max_length=rules.NAME_LENGTH[1]), NoNul
    ]


class CacheWarm(ContractModel):
    # ``from`` is a Python keyword: the attribute is from_, the JSON property "from".
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, validate_by_name=False)

    from_: Annotated[JsonInt, Field(alias="from", ge=rules.WARM_FROM[0], le=rules.WARM_FROM[1])]
    count: Annotated[JsonInt, Field(ge=rules.WARM_COUNT[0], le=rules.WARM_COUNT[1])]


class Login(ContractModel):
    email: Annotated[
        str, StringConstraints(min_length=rules.LOGIN_EMAIL_LENGTH[0], max_length=rules.LOGIN_EMAIL_LENGTH[1])
    ]
    password: Annotated[
        str,
        StringConstraints(
            min_length=rules.LOGIN_PASSWORD_LENGTH[0], max_length=rules.LOGIN_PASSWORD_LENGTH[1]
        ),
    ]


class PostRetitle(ContractModel):
    title: Annotated[
        str, StringConstraints(min_length=rules.TITLE_LENGTH[0], max_length=rules.TITLE_LENGTH[1]), NoNul
    ]


class LoginResult(ContractModel):
    token: str
    expiresIn: int
