"""Scenarios 09–13: the ``/db`` routes over SQLAlchemy 2 (Flask-SQLAlchemy's session, psycopg 3).
The statements are lab_sqlalchemy's, shared with the other SQLAlchemy targets."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from sqlalchemy.exc import DBAPIError, IntegrityError

from lab_contract import rules
from lab_contract.cursor import decode_cursor
from lab_contract.errors import ApiError
from lab_sqlalchemy import statements as sql

from ..extensions import database
from . import json_body

bp = Blueprint("db", __name__, url_prefix="/db")

PSYCOPG_MAX_BIND_PARAMETERS = 65_535


def _page() -> tuple[int, int]:
    return rules.int_param(request.args, "skip", rules.DB_SKIP), rules.int_param(
        request.args, "size", rules.DB_SIZE
    )


@bp.get("/users/offset")
def offset_page() -> dict[str, Any]:
    skip, size = _page()
    return {"items": [sql.user_json(u) for u in database.session.scalars(sql.offset_page(skip, size))]}


@bp.get("/users/keyset")
def keyset_page() -> dict[str, Any]:
    after = rules.int_param(request.args, "after", rules.DB_SKIP)
    size = rules.int_param(request.args, "size", rules.DB_SIZE)
    return {"items": [sql.user_json(u) for u in database.session.scalars(sql.keyset_page(after, size))]}


@bp.get("/users/cursor")
def cursor_page() -> dict[str, Any]:
    size = rules.int_param(request.args, "size", rules.DB_SIZE)
    cursor = rules.cursor_param(request.args)
    after = decode_cursor(cursor) if cursor is not None else None
    return sql.cursor_page_json(database.session.scalars(sql.cursor_page(after, size)).all(), size)


@bp.get("/columns/<shape>")
def columns(shape: str) -> dict[str, Any]:
    if shape not in rules.COLUMN_SHAPES:
        raise ApiError("not_found", f"unknown column shape {shape!r}")
    query, names = sql.columns_query(shape, *_page())
    return {"items": [sql.row_json(row, names) for row in database.session.scalars(query)]}


@bp.get("/types/<kind>")
def types(kind: str) -> dict[str, Any]:
    if kind not in rules.COLUMN_TYPES:
        raise ApiError("not_found", f"unknown column type {kind!r}")
    query, names = sql.types_query(kind, *_page())
    return {"items": [sql.row_json(row, names) for row in database.session.scalars(query)]}


@bp.get("/authors")
def authors() -> dict[str, Any]:
    strategy = rules.one_of(request.args.get("strategy"), "strategy", rules.LOAD_STRATEGIES)
    page = database.session.scalars(sql.authors_query(strategy, *_page())).unique().all()
    # lazy: touching author.posts loads them, one SELECT per author (1 + N).
    return {"items": [sql.author_json(author, author.posts) for author in page]}


@bp.post("/bulk/insert")
def bulk_insert() -> tuple[dict[str, Any], int]:
    strategy = rules.one_of(request.args.get("strategy"), "strategy", rules.BULK_INSERT_STRATEGIES)
    items = rules.parse_bulk_insert(json_body())
    if strategy not in sql.INSERT_STRATEGIES:
        raise rules.unsupported_strategy(strategy, sql.LAYER, sql.INSERT_STRATEGIES)
    session = database.session
    try:
        if strategy == "individual":
            # One INSERT per item, each in its own transaction.
            for item in items:
                session.add(sql.bulk_entity(item))
                session.commit()
        elif strategy == "orm-batch":
            # The unit of work: one flush, which batches the INSERTs ("insertmanyvalues").
            session.add_all([sql.bulk_entity(item) for item in items])
            session.commit()
        else:
            for statement in sql.multi_values_inserts(items, PSYCOPG_MAX_BIND_PARAMETERS):
                session.execute(statement)
            session.commit()
    except IntegrityError as error:
        if sql.sqlstate(error) == sql.UNIQUE_VIOLATION:
            raise ApiError("conflict", "a row with this unique key (sku) already exists") from None
        raise
    return {"written": len(items)}, 201


@bp.post("/bulk/update")
def bulk_update() -> dict[str, Any]:
    strategy = rules.one_of(request.args.get("strategy"), "strategy", rules.BULK_UPDATE_STRATEGIES)
    updates = rules.parse_bulk_update(json_body())
    session = database.session
    if strategy == "individual":
        updated = 0
        for entry in updates:
            updated += session.execute(sql.update_one(entry.sku, entry.quantity)).rowcount
            session.commit()
    else:
        updated = session.execute(sql.update_many([(e.sku, e.quantity) for e in updates])).rowcount
        session.commit()
    return {"updated": updated}


@bp.post("/products/<product_id>/decrement")
def decrement(product_id: str) -> dict[str, Any]:
    wanted = rules.strict_int(product_id, "id", *rules.PRODUCT_ID)
    strategy = rules.one_of(request.args.get("strategy"), "strategy", rules.LOCK_STRATEGIES)
    quantity = rules.parse_decrement(json_body())
    session = database.session
    for retries in range(sql.MAX_RETRIES + 1):
        try:
            if strategy == "serializable":
                # Per-transaction isolation: set on the session's connection before it begins.
                session.connection(execution_options={"isolation_level": "SERIALIZABLE"})
            row = session.execute(sql.read_stock(wanted, for_update=strategy == "pessimistic")).one_or_none()
            if row is None:
                raise ApiError("not_found", f"product {wanted} not found")
            stock, version = row
            if stock < quantity:
                session.rollback()
                raise ApiError("conflict", f"product {wanted}: insufficient stock for {quantity}")
            write = sql.write_stock(
                wanted, stock - quantity, version=version if strategy == "optimistic" else None
            )
            written = session.execute(write).rowcount
            session.commit()
        except DBAPIError as error:
            session.rollback()
            if strategy == "serializable" and sql.sqlstate(error) == sql.SERIALIZATION_FAILURE:
                continue
            raise
        if written == 1:
            return {"ok": True, "retries": retries}
        # optimistic: the version moved (a concurrent writer won); read again.
    raise ApiError("conflict", f"product {wanted}: decrement not applied after {sql.MAX_RETRIES} retries")
