"""Scenarios 09–13: the ``/db`` routes over SQLAlchemy 2 (AsyncSession, asyncpg). The statements
are lab_sqlalchemy's, shared with the other SQLAlchemy targets; how they run is this target's."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from sqlalchemy.exc import DBAPIError, IntegrityError

from lab_contract import rules
from lab_contract.cursor import decode_cursor
from lab_contract.errors import ApiError
from lab_contract.fastapi_support import GET, ContractRoute
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
from lab_sqlalchemy import statements as sql

from ..dependencies import JsonBody, Session

router = APIRouter(prefix="/db", route_class=ContractRoute)

ASYNCPG_MAX_BIND_PARAMETERS = 32_767


@router.api_route("/users/offset", methods=GET)
async def offset_page(db: Session, skip: Skip = 0, size: Size = rules.DB_SIZE[2]) -> dict[str, Any]:
    users = (await db.scalars(sql.offset_page(skip, size))).all()
    return {"items": [sql.user_json(user) for user in users]}


@router.api_route("/users/keyset", methods=GET)
async def keyset_page(db: Session, after: Skip = 0, size: Size = rules.DB_SIZE[2]) -> dict[str, Any]:
    users = (await db.scalars(sql.keyset_page(after, size))).all()
    return {"items": [sql.user_json(user) for user in users]}


@router.api_route("/users/cursor", methods=GET)
async def cursor_page(db: Session, size: Size = rules.DB_SIZE[2], cursor: Cursor = None) -> dict[str, Any]:
    after = decode_cursor(cursor) if cursor is not None else None
    users = (await db.scalars(sql.cursor_page(after, size))).all()
    return sql.cursor_page_json(users, size)


@router.api_route("/columns/{shape}", methods=GET)
async def columns(db: Session, shape: str, skip: Skip = 0, size: Size = rules.DB_SIZE[2]) -> dict[str, Any]:
    if shape not in rules.COLUMN_SHAPES:
        raise ApiError("not_found", f"unknown column shape {shape!r}")
    query, names = sql.columns_query(shape, skip, size)
    return {"items": [sql.row_json(row, names) for row in (await db.scalars(query)).all()]}


@router.api_route("/types/{kind}", methods=GET)
async def types(db: Session, kind: str, skip: Skip = 0, size: Size = rules.DB_SIZE[2]) -> dict[str, Any]:
    if kind not in rules.COLUMN_TYPES:
        raise ApiError("not_found", f"unknown column type {kind!r}")
    query, names = sql.types_query(kind, skip, size)
    return {"items": [sql.row_json(row, names) for row in (await db.scalars(query)).all()]}


@router.api_route("/authors", methods=GET)
async def authors(
    db: Session,
    strategy: Literal["lazy", "eager", "select-in"],
    skip: Skip = 0,
    size: Size = rules.DB_SIZE[2],
) -> dict[str, Any]:
    result = await db.scalars(sql.authors_query(strategy, skip, size))
    page = result.unique().all()  # unique(): a joined eager load repeats each author per post
    if strategy == "lazy":
        # 1 + N: each author's posts load when touched (awaitable_attrs: lazy loading in asyncio).
        return {"items": [sql.author_json(author, await author.awaitable_attrs.posts) for author in page]}
    return {"items": [sql.author_json(author, author.posts) for author in page]}


@router.post("/bulk/insert", status_code=201, dependencies=[JsonBody])
async def bulk_insert(
    db: Session,
    strategy: Literal["individual", "orm-batch", "multi-values", "unnest", "copy"],
    body: BulkInsert,
) -> Written:
    if strategy not in sql.INSERT_STRATEGIES:
        raise rules.unsupported_strategy(strategy, sql.LAYER, sql.INSERT_STRATEGIES)
    items = [rules.NewBulkItem(i.sku, i.name, i.quantity, i.price) for i in body.items]
    try:
        if strategy == "individual":
            # One INSERT per item, each in its own transaction.
            for item in items:
                db.add(sql.bulk_entity(item))
                await db.commit()
        elif strategy == "orm-batch":
            # The unit of work: one flush, which batches the INSERTs ("insertmanyvalues").
            db.add_all([sql.bulk_entity(item) for item in items])
            await db.commit()
        else:
            for statement in sql.multi_values_inserts(items, ASYNCPG_MAX_BIND_PARAMETERS):
                await db.execute(statement)
            await db.commit()
    except IntegrityError as error:
        if sql.sqlstate(error) == sql.UNIQUE_VIOLATION:
            raise ApiError("conflict", "a row with this unique key (sku) already exists") from None
        raise
    return Written(written=len(items))


@router.post("/bulk/update", dependencies=[JsonBody])
async def bulk_update(db: Session, strategy: Literal["individual", "bulk"], body: BulkUpdate) -> Updated:
    if strategy == "individual":
        updated = 0
        for entry in body.updates:
            updated += (await db.execute(sql.update_one(entry.sku, entry.quantity))).rowcount
            await db.commit()
    else:
        updated = (await db.execute(sql.update_many([(e.sku, e.quantity) for e in body.updates]))).rowcount
        await db.commit()
    return Updated(updated=updated)


@router.post("/products/{product_id}/decrement", dependencies=[JsonBody])
async def decrement(
    db: Session,
    product_id: Annotated[ParamInt, Path(ge=rules.PRODUCT_ID[0], le=rules.PRODUCT_ID[1])],
    strategy: Literal["none", "pessimistic", "optimistic", "serializable"],
    body: Decrement,
) -> Decremented:
    quantity = body.quantity
    for retries in range(sql.MAX_RETRIES + 1):
        try:
            if strategy == "serializable":
                # Per-transaction isolation: set on the session's connection before it begins.
                await db.connection(execution_options={"isolation_level": "SERIALIZABLE"})
            row = (
                await db.execute(sql.read_stock(product_id, for_update=strategy == "pessimistic"))
            ).one_or_none()
            if row is None:
                raise ApiError("not_found", f"product {product_id} not found")
            stock, version = row
            if stock < quantity:
                await db.rollback()
                raise ApiError("conflict", f"product {product_id}: insufficient stock for {quantity}")
            write = sql.write_stock(
                product_id, stock - quantity, version=version if strategy == "optimistic" else None
            )
            written = (await db.execute(write)).rowcount
            await db.commit()
        except DBAPIError as error:
            await db.rollback()
            if strategy == "serializable" and sql.sqlstate(error) == sql.SERIALIZATION_FAILURE:
                continue
            raise
        if written == 1:
            return Decremented(ok=True, retries=retries)
        # optimistic: the version moved (a concurrent writer won); read again.
    raise ApiError("conflict", f"product {product_id}: decrement not applied after {sql.MAX_RETRIES} retries")
