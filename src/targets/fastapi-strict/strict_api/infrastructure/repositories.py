"""SQLAlchemy 2 repositories (AsyncSession over asyncpg) implementing the application's ports.

Each works on the request's session (one unit of work per request) and sends the statements of
lab_sqlalchemy, which the `fastapi` and `flask` targets send too; results are mapped to domain
entities here, so nothing above this layer sees an ORM object."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from lab_contract import reports
from lab_contract.rules import NewBulkItem as ItemInput
from lab_sqlalchemy import models
from lab_sqlalchemy import statements as sql

from ..domain.errors import Conflict, NotFound
from ..domain.model import (
    Account,
    AggregateStrategy,
    Author,
    AuthorPost,
    AuthorRevenue,
    BulkInsertStrategy,
    BulkUpdateStrategy,
    ColumnShape,
    ColumnType,
    GroupStats,
    LoadStrategy,
    LockStrategy,
    NewBulkItem,
    NewUser,
    OrdersDimension,
    PagePosition,
    Post,
    PostSummary,
    QuantityUpdate,
    Row,
    SearchHit,
    SearchStrategy,
    User,
    UserPage,
)

#: asyncpg's limit of bind parameters per statement.
ASYNCPG_MAX_BIND_PARAMETERS = 32_767


def _user(row: models.User) -> User:
    return User(row.id, row.name, row.email, row.created_at)


def _unique_violation(error: IntegrityError) -> bool:
    return sql.sqlstate(error) == sql.UNIQUE_VIOLATION


class SqlAlchemyUserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def page(self, limit: int, offset: int) -> list[User]:
        return [_user(row) for row in await self._session.scalars(sql.users_page(limit, offset))]

    async def get(self, user_id: int) -> User | None:
        row = (await self._session.scalars(sql.user_by_id(user_id))).one_or_none()
        return None if row is None else _user(row)

    async def add(self, new: NewUser) -> User:
        try:
            row = (await self._session.scalars(sql.create_user(new.name, new.email))).one()
            await self._session.commit()
        except IntegrityError as error:
            if _unique_violation(error):
                raise Conflict(f"a user with email {new.email} already exists") from None
            raise
        return _user(row)

    async def rename(self, user_id: int, name: str) -> User | None:
        row = (await self._session.execute(sql.rename_user(user_id, name))).one_or_none()
        if row is None:
            return None
        await self._session.commit()
        return User(row.id, row.name, row.email, row.created_at)

    async def in_range(self, first: int, count: int) -> list[User]:
        rows = await self._session.execute(sql.users_in_range(first, count))
        return [User(row.id, row.name, row.email, row.created_at) for row in rows]


class SqlAlchemyUserPagination:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_offset(self, skip: int, size: int) -> list[User]:
        return [_user(row) for row in await self._session.scalars(sql.offset_page(skip, size))]

    async def by_key(self, after_id: int, size: int) -> list[User]:
        return [_user(row) for row in await self._session.scalars(sql.keyset_page(after_id, size))]

    async def by_cursor(self, after: PagePosition | None, size: int) -> UserPage:
        position = None if after is None else (after.created_at, after.id)
        # One row more than the page: whether it exists says whether a next page follows.
        rows = (await self._session.scalars(sql.cursor_page(position, size))).all()
        items = [_user(row) for row in rows[:size]]
        following = len(rows) > size and items
        return UserPage(items, PagePosition(items[-1].created_at, items[-1].id) if following else None)


class SqlAlchemyColumnReader:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def shape(self, shape: ColumnShape, skip: int, size: int) -> list[Row]:
        query, names = sql.columns_query(shape.value, skip, size)
        return [{name: getattr(row, name) for name in names} for row in await self._session.scalars(query)]

    async def of_type(self, kind: ColumnType, skip: int, size: int) -> list[Row]:
        query, names = sql.types_query(kind.value, skip, size)
        return [{name: getattr(row, name) for name in names} for row in await self._session.scalars(query)]


class SqlAlchemyAuthorRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def page_with_posts(self, strategy: LoadStrategy, skip: int, size: int) -> list[Author]:
        result = await self._session.scalars(sql.authors_query(strategy.value, skip, size))
        page = result.unique().all()  # unique(): a joined eager load repeats each author per post
        authors = []
        for row in page:
            # lazy: each author's posts load when touched (awaitable_attrs: lazy loading in
            # asyncio), 1 + N statements; eager and select-in loaded them with the page.
            posts = await row.awaitable_attrs.posts if strategy is LoadStrategy.LAZY else row.posts
            authors.append(Author(row.id, row.name, tuple(Post(p.id, p.title, p.view_count) for p in posts)))
        return authors


class SqlAlchemyBulkItemRepository:
    layer = sql.LAYER
    insert_strategies = (
        BulkInsertStrategy.INDIVIDUAL,
        BulkInsertStrategy.ORM_BATCH,
        BulkInsertStrategy.MULTI_VALUES,
    )

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def insert(self, strategy: BulkInsertStrategy, items: Sequence[NewBulkItem]) -> int:
        inputs = [ItemInput(i.sku, i.name, i.quantity, str(i.price)) for i in items]
        session = self._session
        try:
            if strategy is BulkInsertStrategy.INDIVIDUAL:
                # One INSERT per item, each in its own transaction.
                for item in inputs:
                    session.add(sql.bulk_entity(item))
                    await session.commit()
            elif strategy is BulkInsertStrategy.ORM_BATCH:
                # The unit of work: one flush, which batches the INSERTs ("insertmanyvalues").
                session.add_all([sql.bulk_entity(item) for item in inputs])
                await session.commit()
            else:
                for statement in sql.multi_values_inserts(inputs, ASYNCPG_MAX_BIND_PARAMETERS):
                    await session.execute(statement)
                await session.commit()
        except IntegrityError as error:
            if _unique_violation(error):
                raise Conflict("a row with this unique key (sku) already exists") from None
            raise
        return len(items)

    async def update(self, strategy: BulkUpdateStrategy, updates: Sequence[QuantityUpdate]) -> int:
        session = self._session
        if strategy is BulkUpdateStrategy.INDIVIDUAL:
            updated = 0
            for entry in updates:
                updated += (await session.execute(sql.update_one(entry.sku, entry.quantity))).rowcount
                await session.commit()
            return updated
        updated = (await session.execute(sql.update_many([(e.sku, e.quantity) for e in updates]))).rowcount
        await session.commit()
        return updated


class SqlAlchemyStockRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def decrement(self, strategy: LockStrategy, product_id: int, quantity: int) -> int:
        session = self._session
        for retries in range(sql.MAX_RETRIES + 1):
            try:
                if strategy is LockStrategy.SERIALIZABLE:
                    # Per-transaction isolation: set on the session's connection before it begins.
                    await session.connection(execution_options={"isolation_level": "SERIALIZABLE"})
                locked = strategy is LockStrategy.PESSIMISTIC
                row = (await session.execute(sql.read_stock(product_id, for_update=locked))).one_or_none()
                if row is None:
                    raise NotFound(f"product {product_id} not found")
                stock, version = row
                if stock < quantity:
                    await session.rollback()
                    raise Conflict(f"product {product_id}: insufficient stock for {quantity}")
                checked = version if strategy is LockStrategy.OPTIMISTIC else None
                written = (
                    await session.execute(sql.write_stock(product_id, stock - quantity, version=checked))
                ).rowcount
                await session.commit()
            except DBAPIError as error:
                await session.rollback()
                if strategy is LockStrategy.SERIALIZABLE and sql.sqlstate(error) == sql.SERIALIZATION_FAILURE:
                    continue
                raise
            if written == 1:
                return retries
            # optimistic: the version moved (a concurrent writer won); read again.
        raise Conflict(f"product {product_id}: decrement not applied after {sql.MAX_RETRIES} retries")


# ---- 14–19 ----------------------------------------------------------------------------------


class SqlAlchemyAccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_email(self, email: str) -> Account | None:
        if "\x00" in email:
            return None  # no stored email holds U+0000 (and PostgreSQL text cannot)
        row = (await self._session.execute(sql.account_by_email(email))).one_or_none()
        # The connection goes back to the pool before the password hash (tens of ms for author 1).
        await self._session.close()
        return None if row is None else Account(row.id, row.email, row.password_hash)


def _decimal(text: str) -> Decimal:
    return Decimal(text)


def _group(row: Any) -> GroupStats:
    key, orders, quantity, revenue, avg_amount = row
    return GroupStats(key, int(orders), int(quantity), revenue, avg_amount)


def _author_revenue(row: Any) -> AuthorRevenue:
    author_id, name, orders, revenue, avg_amount = row
    return AuthorRevenue(int(author_id), name, int(orders), revenue, avg_amount)


class SqlAlchemyOrderReports:
    """raw: the contract's SQL through the session; builder: select() and func; reduce: only the
    columns needed, aggregated exactly in code (lab_contract.reports)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def count(self, strategy: AggregateStrategy) -> int:
        result = await self._session.execute(sql.count_orders(strategy.value))
        if strategy is AggregateStrategy.REDUCE:
            return len(result.all())
        return result.scalar_one()

    async def by(self, dimension: OrdersDimension, strategy: AggregateStrategy) -> list[GroupStats]:
        rows = (await self._session.execute(sql.orders_by(dimension.value, strategy.value))).all()
        if strategy is not AggregateStrategy.REDUCE:
            return [_group(row) for row in rows]
        return [
            GroupStats(g["key"], g["orders"], g["quantity"], _decimal(g["revenue"]), _decimal(g["avgAmount"]))
            for g in reports.group_orders(rows)
        ]

    async def top_authors(self, strategy: AggregateStrategy, size: int) -> list[AuthorRevenue]:
        rows = (await self._session.execute(sql.top_authors(strategy.value, size))).all()
        if strategy is not AggregateStrategy.REDUCE:
            return [_author_revenue(row) for row in rows]
        top = reports.top_author_tallies(rows, size)
        names = dict((await self._session.execute(sql.author_names([i for i, _ in top]))).all())
        return [
            AuthorRevenue(
                a["authorId"], a["name"], a["orders"], _decimal(a["revenue"]), _decimal(a["avgAmount"])
            )
            for a in reports.with_names(top, names)
        ]


class SqlAlchemyDocumentSearch:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def search(self, strategy: SearchStrategy, term: str, size: int) -> list[SearchHit]:
        # Planned for this term (see lab_sqlalchemy.statements.CUSTOM_PLAN).
        await self._session.execute(sql.CUSTOM_PLAN)
        rows = await self._session.execute(sql.search_documents(strategy.value, term, size))
        return [SearchHit(row.id, row.title, row.created_at) for row in rows]


def _post(row: Any) -> AuthorPost:
    return AuthorPost(row.id, row.author_id, row.title, row.body, row.view_count)


class SqlAlchemyAuthorPostRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def page(self, author_id: int, skip: int, size: int) -> list[PostSummary]:
        rows = await self._session.execute(sql.posts_of_author(author_id, skip, size))
        return [PostSummary(row.id, row.title, row.view_count) for row in rows]

    async def get(self, author_id: int, post_id: int) -> AuthorPost | None:
        row = (await self._session.execute(sql.post_of_author(author_id, post_id))).one_or_none()
        return None if row is None else _post(row)

    async def retitle(self, author_id: int, post_id: int, title: str) -> AuthorPost | None:
        row = (await self._session.execute(sql.retitle_post(author_id, post_id, title))).one_or_none()
        if row is None:
            return None
        await self._session.commit()
        return _post(row)
