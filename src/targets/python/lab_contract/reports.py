"""Scenario 17 without a framework: the contract's reference SQL (what the ``raw`` strategy sends
through each layer's connection, as src/data/pg/aggregate.ts), the ``reduce`` strategy's
aggregation in code (exact: amounts as integer cents, as src/data/aggregate-reduce.ts), and the
rows as the contract's JSON."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

#: Keys ordered with COLLATE "C" (byte order): the order does not depend on the database's
#: collation and equals Python's string order, which the reduce strategy sorts by.
AGGREGATE_SQL = {
    "count": "SELECT count(*) AS count FROM orders",
    "country": (
        "SELECT country AS key, count(*) AS orders, sum(quantity) AS quantity, sum(amount) AS revenue, "
        'round(avg(amount), 2) AS avg_amount FROM orders GROUP BY country ORDER BY country COLLATE "C"'
    ),
    "status": (
        "SELECT status AS key, count(*) AS orders, sum(quantity) AS quantity, sum(amount) AS revenue, "
        'round(avg(amount), 2) AS avg_amount FROM orders GROUP BY status ORDER BY status COLLATE "C"'
    ),
    # The top authors by revenue, ties to the lower id; {size} is the driver's placeholder.
    "top_authors": (
        "SELECT o.author_id, a.name, count(*) AS orders, sum(o.amount) AS revenue, "
        "round(avg(o.amount), 2) AS avg_amount FROM orders AS o JOIN authors AS a ON a.id = o.author_id "
        "GROUP BY o.author_id, a.name ORDER BY revenue DESC, o.author_id LIMIT {size}"
    ),
}


def decimal2(value: Decimal) -> str:
    """A numeric(…, 2) as PostgreSQL prints it (the drivers give a Decimal of that scale)."""
    return str(value)


def to_cents(amount: Decimal) -> int:
    return int(amount * 100)


def format_cents(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, fraction = divmod(abs(cents), 100)
    return f"{sign}{whole}.{fraction:02d}"


def average_cents(sum_cents: int, count: int) -> int:
    """round(sum / count, 2), half away from zero, as PostgreSQL rounds numeric."""
    sign = -1 if sum_cents < 0 else 1
    return sign * ((2 * abs(sum_cents) + count) // (2 * count))


@dataclass(slots=True)
class _Tally:
    orders: int = 0
    quantity: int = 0
    cents: int = 0


def group_orders(rows: Iterable[tuple[str, int, Decimal]]) -> list[dict[str, Any]]:
    """GROUP BY key in code: COUNT, SUM(quantity), SUM(amount), AVG(amount); ordered by key."""
    groups: dict[str, _Tally] = {}
    for key, quantity, amount in rows:
        tally = groups.get(key)
        if tally is None:
            tally = groups[key] = _Tally()
        tally.orders += 1
        tally.quantity += quantity
        tally.cents += to_cents(amount)
    return [
        {
            "key": key,
            "orders": t.orders,
            "quantity": t.quantity,
            "revenue": format_cents(t.cents),
            "avgAmount": format_cents(average_cents(t.cents, t.orders)),
        }
        for key, t in sorted(groups.items())
    ]


def top_author_tallies(rows: Iterable[tuple[int, Decimal]], size: int) -> list[tuple[int, _Tally]]:
    """The ``size`` authors with the most revenue (ties: lower id first), before their names."""
    authors: dict[int, _Tally] = {}
    for author_id, amount in rows:
        tally = authors.get(author_id)
        if tally is None:
            tally = authors[author_id] = _Tally()
        tally.orders += 1
        tally.cents += to_cents(amount)
    return sorted(authors.items(), key=lambda item: (-item[1].cents, item[0]))[:size]


def with_names(tallies: list[tuple[int, _Tally]], names: Mapping[int, str]) -> list[dict[str, Any]]:
    """Tallies with their authors' names; an author without a row is dropped (an inner join)."""
    return [
        {
            "authorId": author_id,
            "name": names[author_id],
            "orders": t.orders,
            "revenue": format_cents(t.cents),
            "avgAmount": format_cents(average_cents(t.cents, t.orders)),
        }
        for author_id, t in tallies
        if author_id in names
    ]


def group_json(key: str, orders: int, quantity: int, revenue: Decimal, avg_amount: Decimal) -> dict[str, Any]:
    return {
        "key": key,
        "orders": int(orders),
        "quantity": int(quantity),
        "revenue": decimal2(revenue),
        "avgAmount": decimal2(avg_amount),
    }


def author_revenue_json(
    author_id: int, name: str, orders: int, revenue: Decimal, avg_amount: Decimal
) -> dict[str, Any]:
    return {
        "authorId": int(author_id),
        "name": name,
        "orders": int(orders),
        "revenue": decimal2(revenue),
        "avgAmount": decimal2(avg_amount),
    }
