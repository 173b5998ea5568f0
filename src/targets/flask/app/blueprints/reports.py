"""Scenarios 17 and 18: the read-only reports, ``/db/aggregate/…`` and ``/db/search``, over
Flask-SQLAlchemy's session (the statements are lab_sqlalchemy's)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from lab_contract import reports, rules
from lab_contract.errors import ApiError
from lab_sqlalchemy import statements as sql

from ..extensions import database

bp = Blueprint("reports", __name__, url_prefix="/db")


def _strategy() -> str:
    return rules.one_of(request.args.get("strategy"), "strategy", rules.AGGREGATE_STRATEGIES)


@bp.get("/aggregate/count")
def count() -> dict[str, int]:
    strategy = _strategy()
    result = database.session.execute(sql.count_orders(strategy))
    if strategy == "reduce":
        return {"count": len(result.all())}  # every id loaded, counted here
    return {"count": result.scalar_one()}


@bp.get("/aggregate/orders-by/<dimension>")
def orders_by(dimension: str) -> dict[str, Any]:
    if dimension not in rules.ORDERS_DIMENSIONS:
        raise ApiError("not_found", f"unknown orders dimension {dimension!r}")
    strategy = _strategy()
    rows = database.session.execute(sql.orders_by(dimension, strategy)).all()
    if strategy == "reduce":
        return {"items": reports.group_orders(rows)}
    return {"items": [reports.group_json(*row) for row in rows]}


@bp.get("/aggregate/top-authors")
def top_authors() -> dict[str, Any]:
    strategy = _strategy()
    size = rules.int_param(request.args, "size", rules.TOP_AUTHORS_SIZE)
    rows = database.session.execute(sql.top_authors(strategy, size)).all()
    if strategy != "reduce":
        return {"items": [reports.author_revenue_json(*row) for row in rows]}
    top = reports.top_author_tallies(rows, size)
    names = dict(database.session.execute(sql.author_names([author_id for author_id, _ in top])).all())
    return {"items": reports.with_names(top, names)}


@bp.get("/search")
def search() -> dict[str, Any]:
    q = rules.search_term(request.args.get("q"))
    strategy = rules.one_of(request.args.get("strategy"), "strategy", rules.SEARCH_STRATEGIES)
    size = rules.int_param(request.args, "size", rules.DB_SIZE)
    database.session.execute(sql.CUSTOM_PLAN)
    rows = database.session.execute(sql.search_documents(strategy, q, size)).all()
    return {"items": [sql.search_hit_json(row) for row in rows]}
