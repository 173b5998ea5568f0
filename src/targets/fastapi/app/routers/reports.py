"""Scenarios 17 and 18: the read-only reports, ``/db/aggregate/…`` and ``/db/search``, over
SQLAlchemy's AsyncSession (the statements are lab_sqlalchemy's)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter

from lab_contract import reports, rules
from lab_contract.errors import ApiError
from lab_contract.fastapi_support import GET, ContractRoute
from lab_contract.pydantic_models import SearchTerm, Size, TopAuthorsSize
from lab_sqlalchemy import statements as sql

from ..dependencies import Session

router = APIRouter(prefix="/db", route_class=ContractRoute)

Strategy = Literal["raw", "builder", "reduce"]


@router.api_route("/aggregate/count", methods=GET)
async def count(db: Session, strategy: Strategy) -> dict[str, int]:
    result = await db.execute(sql.count_orders(strategy))
    if strategy == "reduce":
        return {"count": len(result.all())}  # every id loaded, counted here
    return {"count": result.scalar_one()}


@router.api_route("/aggregate/orders-by/{dimension}", methods=GET)
async def orders_by(db: Session, dimension: str, strategy: Strategy) -> dict[str, Any]:
    if dimension not in rules.ORDERS_DIMENSIONS:
        raise ApiError("not_found", f"unknown orders dimension {dimension!r}")
    rows = (await db.execute(sql.orders_by(dimension, strategy))).all()
    if strategy == "reduce":
        return {"items": reports.group_orders(rows)}
    return {"items": [reports.group_json(*row) for row in rows]}


@router.api_route("/aggregate/top-authors", methods=GET)
async def top_authors(
    db: Session, strategy: Strategy, size: TopAuthorsSize = rules.TOP_AUTHORS_SIZE[2]
) -> dict[str, Any]:
    rows = (await db.execute(sql.top_authors(strategy, size))).all()
    if strategy != "reduce":
        return {"items": [reports.author_revenue_json(*row) for row in rows]}
    top = reports.top_author_tallies(rows, size)
    names = dict((await db.execute(sql.author_names([author_id for author_id, _ in top]))).all())
    return {"items": reports.with_names(top, names)}


@router.api_route("/search", methods=GET)
async def search(
    db: Session,
    q: SearchTerm,
    strategy: Literal["ilike", "trigram", "fts"],
    size: Size = rules.DB_SIZE[2],
) -> dict[str, Any]:
    await db.execute(sql.CUSTOM_PLAN)
    rows = (await db.execute(sql.search_documents(strategy, q, size))).all()
    return {"items": [sql.search_hit_json(row) for row in rows]}
