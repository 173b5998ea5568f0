"""The statements of the contract's database work, built once here and run by each SQLAlchemy
target through its own session (async in the FastAPI targets, sync in Flask), so all three send
the same SQL. Results are turned into the contract's JSON values by the ``*_json`` helpers:
bigint → int, timestamptz → ISO string with milliseconds, date → 'YYYY-MM-DD', numeric → string
as PostgreSQL prints it, uuid → string, jsonb → parsed (as src/data/pg/layer.ts normalises).

Statements per operation (checked through pg_stat_statements by the verifier):
  users: list 1, get 1, create 1 (INSERT … RETURNING).
  09 offset / keyset / cursor: 1 SELECT each (the cursor page reads one row more than it returns,
     to know whether a next page exists).
  10 columns / types: 1 SELECT of mapped entities.
  11 lazy: 1 + N (each author's ``posts`` lazy-loads); eager: 1 (joinedload, which SQLAlchemy
     wraps around a LIMITed subquery of authors); select-in: 2 (selectinload).
  12 insert individual: N (add + commit per item); orm-batch: the unit of work's
     "insertmanyvalues" batches (1 per 1,000 rows); multi-values: 1 INSERT … VALUES (…), (…) per
     chunk of the driver's bind-parameter limit; update individual: N; bulk: 1 UPDATE … FROM
     (VALUES …). unnest and copy are raw-SQL strategies of the pg layer: not in this one.
  13 2 per uncontended decrement, every strategy: the read, then the write.
  14–15 user by id 1, rename 1 (UPDATE … RETURNING), warm-up range 1.
  16 account by email 1.  19 posts of an author 1, one post 1, retitle 1 (UPDATE … RETURNING).
  17 raw: the contract's SQL through the session (text()); builder: the same aggregate built with
     select()/func; reduce: only the needed columns, aggregated in code (top authors: 2, the
     names of the top ones last). 18 search: 1 SELECT built per strategy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Integer,
    String,
    column,
    func,
    insert,
    literal,
    select,
    text,
    tuple_,
    update,
    values,
)
from sqlalchemy.orm import joinedload, load_only, selectinload
from sqlalchemy.sql import Select, TextClause
from sqlalchemy.sql.dml import Insert, ReturningUpdate, Update

from lab_contract.cursor import encode_cursor, iso_ms
from lab_contract.jsonbody import json_value
from lab_contract.reports import AGGREGATE_SQL
from lab_contract.rules import NewBulkItem

from .models import SHAPES, TYPE_MODELS, Author, Base, BulkItem, Document, Order, Post, Product, User

#: The bulk insert strategies of this data layer, and its name in /meta and messages.
LAYER = "sqlalchemy"
INSERT_STRATEGIES = ("individual", "orm-batch", "multi-values")
SERIALIZATION_FAILURE = "40001"
UNIQUE_VIOLATION = "23505"
MAX_RETRIES = 10

# ---- users -------------------------------------------------------------------------------------

_PAGE_USER = load_only(User.id, User.name, User.email, User.created_at)


def _rows(skip: int) -> Any:
    """OFFSET as a bigint parameter: ``skip`` goes up to 2^53−1, past SQLAlchemy's INTEGER cast."""
    return literal(skip, BigInteger)


def user_json(user: User) -> dict[str, Any]:
    """The contract's User (and PageUser): id, name, email, createdAt."""
    return {"id": user.id, "name": user.name, "email": user.email, "createdAt": iso_ms(user.created_at)}


def users_page(limit: int, offset: int) -> Select[tuple[User]]:
    return select(User).options(_PAGE_USER).order_by(User.id).limit(limit).offset(_rows(offset))


def user_by_id(user_id: int) -> Select[tuple[User]]:
    return select(User).options(_PAGE_USER).where(User.id == user_id)


def create_user(name: str, email: str) -> Insert:
    """One INSERT … RETURNING the entity, with the contract's literal values and ``now()``."""
    return (
        insert(User)
        .values(name=name, email=email, country="US", status="active", age=30, created_at=func.now())
        .returning(User)
    )


# ---- 09 pagination -----------------------------------------------------------------------------


def offset_page(skip: int, size: int) -> Select[tuple[User]]:
    return users_page(size, skip)


def keyset_page(after: int, size: int) -> Select[tuple[User]]:
    return select(User).options(_PAGE_USER).where(User.id > after).order_by(User.id).limit(size)


def cursor_page(after: tuple[dt.datetime, int] | None, size: int) -> Select[tuple[User]]:
    """Ordered by (created_at, id), one row more than the page: it says whether one follows."""
    query = select(User).options(_PAGE_USER).order_by(User.created_at, User.id).limit(size + 1)
    if after is not None:
        # A row-value comparison (the index on (created_at, id) serves it); the values take
        # the columns' types (timestamptz, bigint).
        query = query.where(tuple_(User.created_at, User.id) > after)
    return query


def cursor_page_json(users: Sequence[User], size: int) -> dict[str, Any]:
    items = [user_json(user) for user in users[:size]]
    last = items[-1] if items else None
    following = len(users) > size and last is not None
    return {"items": items, "next": encode_cursor(last["createdAt"], last["id"]) if following else None}


# ---- 10 column overhead ------------------------------------------------------------------------


def columns_query(shape: str, skip: int, size: int) -> tuple[Select[Any], tuple[str, ...]]:
    """The entities of a shape and the column names to return (KeyError: unknown shape)."""
    model, projected = SHAPES[shape]
    names = projected or tuple(model.__table__.columns.keys())
    query = select(model).order_by(model.id).offset(_rows(skip)).limit(size)
    if projected:
        query = query.options(load_only(*(getattr(model, name) for name in projected)))
    return query, names


def types_query(kind: str, skip: int, size: int) -> tuple[Select[Any], tuple[str, ...]]:
    """KeyError: unknown type."""
    model = TYPE_MODELS[kind]
    return select(model).order_by(model.id).offset(_rows(skip)).limit(size), tuple(
        model.__table__.columns.keys()
    )


def row_json(entity: Base, names: Iterable[str]) -> dict[str, Any]:
    return {name: json_value(getattr(entity, name)) for name in names}


# ---- 11 N+1 ------------------------------------------------------------------------------------

_POST_COLUMNS = ("id", "title", "view_count")


def authors_query(strategy: str, skip: int, size: int) -> Select[tuple[Author]]:
    query = select(Author).order_by(Author.id).offset(_rows(skip)).limit(size)
    if strategy == "eager":
        return query.options(joinedload(Author.posts))
    if strategy == "select-in":
        return query.options(selectinload(Author.posts))
    return query  # lazy: the relationship's default loader, one SELECT per author touched


def author_json(author: Author, posts: Iterable[Any]) -> dict[str, Any]:
    return {
        "id": author.id,
        "name": author.name,
        "posts": [{"id": post.id, "title": post.title, "viewCount": post.view_count} for post in posts],
    }


# ---- 12 bulk -----------------------------------------------------------------------------------


def bulk_entity(item: NewBulkItem) -> BulkItem:
    return BulkItem(sku=item.sku, name=item.name, quantity=item.quantity, price=Decimal(item.price))


def multi_values_inserts(items: Sequence[NewBulkItem], max_bind_parameters: int) -> Iterable[Insert]:
    """One INSERT … VALUES (…), (…) per chunk that fits the driver's bind-parameter limit."""
    rows = max_bind_parameters // 4
    for start in range(0, len(items), rows):
        yield insert(BulkItem).values(
            [
                {"sku": item.sku, "name": item.name, "quantity": item.quantity, "price": Decimal(item.price)}
                for item in items[start : start + rows]
            ]
        )


def update_one(sku: str, quantity: int) -> Update:
    return (
        update(BulkItem)
        .where(BulkItem.sku == sku)
        .values(quantity=quantity, updated_at=func.now())
        .execution_options(synchronize_session=False)
    )


def update_many(updates: Sequence[tuple[str, int]]) -> Update:
    """One UPDATE … FROM (VALUES …) AS u (sku, quantity) WHERE sku = u.sku."""
    rows = values(column("sku", String), column("quantity", Integer), name="u").data(list(updates))
    return (
        update(BulkItem)
        .where(BulkItem.sku == rows.c.sku)
        .values(quantity=rows.c.quantity, updated_at=func.now())
        .execution_options(synchronize_session=False)
    )


# ---- 13 transactions ---------------------------------------------------------------------------


def read_stock(product_id: int, *, for_update: bool = False) -> Select[tuple[int, int]]:
    query = select(Product.stock, Product.version).where(Product.id == product_id)
    return query.with_for_update() if for_update else query


def write_stock(product_id: int, stock: int, *, version: int | None = None) -> Update:
    """The write of a decrement; with ``version``, only if it is unchanged (and bumps it)."""
    query = update(Product).where(Product.id == product_id)
    if version is None:
        query = query.values(stock=stock, updated_at=func.now())
    else:
        query = query.where(Product.version == version).values(
            stock=stock, version=Product.version + 1, updated_at=func.now()
        )
    return query.execution_options(synchronize_session=False)


def sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE of a DBAPI error as SQLAlchemy wraps it (psycopg and asyncpg)."""
    original = getattr(error, "orig", None)
    return getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)


# ---- 14–15 cache-aside: the reads and the write behind the cache --------------------------------

_USER_COLUMNS = (User.id, User.name, User.email, User.created_at)


def user_row_json(row: Any) -> dict[str, Any]:
    """A row of (id, name, email, created_at) as the contract's User."""
    return {"id": row.id, "name": row.name, "email": row.email, "createdAt": iso_ms(row.created_at)}


def rename_user(user_id: int, name: str) -> ReturningUpdate[Any]:
    """One UPDATE … RETURNING the user's columns; no row: unknown id."""
    return (
        update(User)
        .where(User.id == user_id)
        .values(name=name)
        .returning(*_USER_COLUMNS)
        .execution_options(synchronize_session=False)
    )


def users_in_range(first: int, count: int) -> Select[Any]:
    """The users with first ≤ id < first + count, in 1 statement."""
    return select(*_USER_COLUMNS).where(User.id >= first, User.id < first + count).order_by(User.id)


# ---- 16 accounts, 19 an author's posts ------------------------------------------------------


def account_by_email(email: str) -> Select[tuple[int, str, str]]:
    return select(Author.id, Author.email, Author.password_hash).where(Author.email == email)


_POST = (Post.id, Post.author_id, Post.title, Post.body, Post.view_count)


def post_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "authorId": row.author_id,
        "title": row.title,
        "body": row.body,
        "viewCount": row.view_count,
    }


def posts_of_author(author_id: int, skip: int, size: int) -> Select[tuple[int, str, int]]:
    return (
        select(Post.id, Post.title, Post.view_count)
        .where(Post.author_id == author_id)
        .order_by(Post.id)
        .limit(size)
        .offset(_rows(skip))
    )


def post_summary_json(row: Any) -> dict[str, Any]:
    return {"id": row.id, "title": row.title, "viewCount": row.view_count}


def post_of_author(author_id: int, post_id: int) -> Select[Any]:
    return select(*_POST).where(Post.id == post_id, Post.author_id == author_id)


def retitle_post(author_id: int, post_id: int, title: str) -> ReturningUpdate[Any]:
    """Another author's post is simply not matched: no row, 404."""
    return (
        update(Post)
        .where(Post.id == post_id, Post.author_id == author_id)
        .values(title=title)
        .returning(*_POST)
        .execution_options(synchronize_session=False)
    )


# ---- 17 aggregation --------------------------------------------------------------------------

#: The aggregate strategies of this layer (it has a query builder).
AGGREGATE_STRATEGIES = ("raw", "builder", "reduce")


def count_orders(strategy: str) -> Select[Any] | TextClause:
    """raw and builder answer a count; reduce loads every id (the caller counts the rows)."""
    if strategy == "raw":
        return text(AGGREGATE_SQL["count"])
    if strategy == "builder":
        return select(func.count()).select_from(Order)
    return select(Order.id)


def orders_by(dimension: str, strategy: str) -> Select[Any] | TextClause:
    """raw and builder: one row per key (key, orders, quantity, revenue, avg_amount), ordered by
    key in byte order; reduce: (key, quantity, amount) of every order."""
    if strategy == "raw":
        return text(AGGREGATE_SQL[dimension])
    key = getattr(Order, dimension)
    if strategy == "builder":
        return (
            select(
                key.label("key"),
                func.count().label("orders"),
                func.sum(Order.quantity).label("quantity"),
                func.sum(Order.amount).label("revenue"),
                func.round(func.avg(Order.amount), 2).label("avg_amount"),
            )
            .group_by(key)
            .order_by(key.collate("C"))
        )
    return select(key, Order.quantity, Order.amount)


def top_authors(strategy: str, size: int) -> Select[Any] | TextClause:
    """raw and builder: (author_id, name, orders, revenue, avg_amount) of the top ``size``;
    reduce: (author_id, amount) of every order, then ``author_names``."""
    if strategy == "raw":
        return text(AGGREGATE_SQL["top_authors"].format(size=":size")).bindparams(size=size)
    if strategy == "builder":
        revenue = func.sum(Order.amount).label("revenue")
        return (
            select(
                Order.author_id,
                Author.name,
                func.count().label("orders"),
                revenue,
                func.round(func.avg(Order.amount), 2).label("avg_amount"),
            )
            .join(Author, Author.id == Order.author_id)
            .group_by(Order.author_id, Author.name)
            .order_by(revenue.desc(), Order.author_id)
            .limit(size)
        )
    return select(Order.author_id, Order.amount)


def author_names(ids: Sequence[int]) -> Select[tuple[int, str]]:
    return select(Author.id, Author.name).where(Author.id.in_(ids))


# ---- 18 search -------------------------------------------------------------------------------

#: Every search is planned for its own term: SET LOCAL (transaction control, one round trip)
#: makes PostgreSQL plan even a cached prepared statement afresh (asyncpg and psycopg both
#: prepare repeated statements; after five runs PostgreSQL may switch one to a generic plan,
#: which cannot tell a selective term from a common one).
CUSTOM_PLAN = text("SET LOCAL plan_cache_mode = force_custom_plan")


def search_documents(strategy: str, term: str, size: int) -> Select[tuple[int, str, dt.datetime]]:
    """The ``size`` newest documents matching ``term``: ilike (no index can serve it), trigram
    (lower(body) LIKE, the pg_trgm GIN index on lower(body)), fts (the tsvector, plainto_tsquery
    with the english configuration). ``term`` holds no LIKE wildcard (the contract's pattern)."""
    if strategy == "ilike":
        where = Document.body.ilike(f"%{term}%")
    elif strategy == "trigram":
        where = func.lower(Document.body).like(f"%{term.lower()}%")
    else:
        where = Document.search_vector.match(term, postgresql_regconfig="english")
    return (
        select(Document.id, Document.title, Document.created_at)
        .where(where)
        .order_by(Document.created_at.desc(), Document.id.desc())
        .limit(size)
    )


def search_hit_json(row: Any) -> dict[str, Any]:
    return {"id": row.id, "title": row.title, "createdAt": iso_ms(row.created_at)}
