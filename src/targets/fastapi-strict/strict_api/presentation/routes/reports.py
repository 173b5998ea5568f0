"""Scenarios 17 and 18: the read-only reports, each route running one use case."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from lab_contract import rules
from lab_contract.cursor import iso_ms
from lab_contract.fastapi_support import GET, ContractRoute
from lab_contract.pydantic_models import SearchTerm, Size, TopAuthorsSize

from ...domain.model import AggregateStrategy, AuthorRevenue, GroupStats, SearchStrategy
from ..dependencies import ReportOrders, SearchDocuments

router = APIRouter(prefix="/db", route_class=ContractRoute)


def _group(stats: GroupStats) -> dict[str, Any]:
    return {
        "key": stats.key,
        "orders": stats.orders,
        "quantity": stats.quantity,
        "revenue": str(stats.revenue),
        "avgAmount": str(stats.avg_amount),
    }


def _author(revenue: AuthorRevenue) -> dict[str, Any]:
    return {
        "authorId": revenue.author_id,
        "name": revenue.name,
        "orders": revenue.orders,
        "revenue": str(revenue.revenue),
        "avgAmount": str(revenue.avg_amount),
    }


@router.api_route("/aggregate/count", methods=GET)
async def count(report: ReportOrders, strategy: AggregateStrategy) -> dict[str, int]:
    return {"count": await report.count(strategy)}


@router.api_route("/aggregate/orders-by/{dimension}", methods=GET)
async def orders_by(report: ReportOrders, dimension: str, strategy: AggregateStrategy) -> dict[str, Any]:
    return {"items": [_group(stats) for stats in await report.by(dimension, strategy)]}


@router.api_route("/aggregate/top-authors", methods=GET)
async def top_authors(
    report: ReportOrders, strategy: AggregateStrategy, size: TopAuthorsSize = rules.TOP_AUTHORS_SIZE[2]
) -> dict[str, Any]:
    return {"items": [_author(revenue) for revenue in await report.top_authors(strategy, size)]}


@router.api_route("/search", methods=GET)
async def search(
    search_documents: SearchDocuments,
    q: SearchTerm,
    strategy: SearchStrategy,
    size: Size = rules.DB_SIZE[2],
) -> dict[str, Any]:
    hits = await search_documents(strategy, q, size)
    return {"items": [{"id": h.id, "title": h.title, "createdAt": iso_ms(h.created_at)} for h in hits]}
