"""Scenarios 09–13: the ``/db`` routes, each running one use case."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from lab_contract import rules
from lab_contract.cursor import decode_cursor, encode_cursor, iso_ms
from lab_contract.fastapi_support import GET, ContractRoute, json_content
from lab_contract.jsonbody import json_value
from lab_contract.pydantic_models import (
    BulkInsert,
    BulkUpdate,
    Cursor,
    Decrement,
    Decremented,
    ParamInt,
    Size,
    Skip,
    Updated,
    Written,
)

from ...domain.model import (
    Author,
    BulkInsertStrategy,
    BulkUpdateStrategy,
    LoadStrategy,
    LockStrategy,
    NewBulkItem,
    PagePosition,
    QuantityUpdate,
    Row,
)
from ..dependencies import (
    DecrementStock,
    InsertBulkItems,
    LoadAuthors,
    PageUsers,
    ReadColumns,
    UpdateBulkItems,
)
from . import user_json

router = APIRouter(prefix="/db", route_class=ContractRoute)

DEFAULT_SIZE = rules.DB_SIZE[2]
JsonBody = Depends(json_content)


def _rows(rows: list[Row]) -> dict[str, Any]:
    return {"items": [{name: json_value(value) for name, value in row.items()} for row in rows]}


def _author(author: Author) -> dict[str, Any]:
    posts = [{"id": post.id, "title": post.title, "viewCount": post.view_count} for post in author.posts]
    return {"id": author.id, "name": author.name, "posts": posts}


@router.api_route("/users/offset", methods=GET)
async def offset_page(pages: PageUsers, skip: Skip = 0, size: Size = DEFAULT_SIZE) -> dict[str, Any]:
    return {"items": [user_json(user) for user in await pages.by_offset(skip, size)]}


@router.api_route("/users/keyset", methods=GET)
async def keyset_page(pages: PageUsers, after: Skip = 0, size: Size = DEFAULT_SIZE) -> dict[str, Any]:
    return {"items": [user_json(user) for user in await pages.by_key(after, size)]}


@router.api_route("/users/cursor", methods=GET)
async def cursor_page(pages: PageUsers, size: Size = DEFAULT_SIZE, cursor: Cursor = None) -> dict[str, Any]:
    # The opaque cursor is an HTTP matter; the use case pages after a position.
    after = PagePosition(*decode_cursor(cursor)) if cursor is not None else None
    page = await pages.by_cursor(after, size)
    following = encode_cursor(iso_ms(page.next.created_at), page.next.id) if page.next else None
    return {"items": [user_json(user) for user in page.items], "next": following}


@router.api_route("/columns/{shape}", methods=GET)
async def columns(read: ReadColumns, shape: str, skip: Skip = 0, size: Size = DEFAULT_SIZE) -> dict[str, Any]:
    return _rows(await read.shape(shape, skip, size))


@router.api_route("/types/{kind}", methods=GET)
async def types(read: ReadColumns, kind: str, skip: Skip = 0, size: Size = DEFAULT_SIZE) -> dict[str, Any]:
    return _rows(await read.of_type(kind, skip, size))


@router.api_route("/authors", methods=GET)
async def authors(
    load: LoadAuthors, strategy: LoadStrategy, skip: Skip = 0, size: Size = DEFAULT_SIZE
) -> dict[str, Any]:
    return {"items": [_author(author) for author in await load(strategy, skip, size)]}


@router.post("/bulk/insert", status_code=201, dependencies=[JsonBody])
async def bulk_insert(insert: InsertBulkItems, strategy: BulkInsertStrategy, body: BulkInsert) -> Written:
    items = [NewBulkItem(i.sku, i.name, i.quantity, Decimal(i.price)) for i in body.items]
    return Written(written=await insert(strategy, items))


@router.post("/bulk/update", dependencies=[JsonBody])
async def bulk_update(update: UpdateBulkItems, strategy: BulkUpdateStrategy, body: BulkUpdate) -> Updated:
    updates = [QuantityUpdate(entry.sku, entry.quantity) for entry in body.updates]
    return Updated(updated=await update(strategy, updates))


@router.post("/products/{product_id}/decrement", dependencies=[JsonBody])
async def decrement(
    decrement_stock: DecrementStock,
    product_id: Annotated[ParamInt, Path(ge=rules.PRODUCT_ID[0], le=rules.PRODUCT_ID[1])],
    strategy: LockStrategy,
    body: Decrement,
) -> Decremented:
    return Decremented(ok=True, retries=await decrement_stock(strategy, product_id, body.quantity))
