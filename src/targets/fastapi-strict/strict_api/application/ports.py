"""Ports: the interfaces the use cases depend on, implemented by the infrastructure adapters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from ..domain.model import (
    Account,
    AggregateStrategy,
    Author,
    AuthorPost,
    AuthorRevenue,
    BulkInsertStrategy,
    BulkUpdateStrategy,
    CacheInfo,
    ColumnShape,
    ColumnType,
    GroupStats,
    LoadStrategy,
    LockStrategy,
    NewBulkItem,
    NewUser,
    OrdersDimension,
    PagePosition,
    PostSummary,
    Principal,
    QuantityUpdate,
    Row,
    SearchHit,
    SearchStrategy,
    User,
    UserPage,
)


class UserRepository(Protocol):
    async def page(self, limit: int, offset: int) -> list[User]: ...

    async def get(self, user_id: int) -> User | None: ...

    async def add(self, new: NewUser) -> User:
        """Raises Conflict when the email exists."""
        ...

    async def rename(self, user_id: int, name: str) -> User | None:
        """The renamed user (committed), None for an unknown id."""
        ...

    async def in_range(self, first: int, count: int) -> list[User]:
        """The users with first ≤ id < first + count."""
        ...


class UserPagination(Protocol):
    async def by_offset(self, skip: int, size: int) -> list[User]: ...

    async def by_key(self, after_id: int, size: int) -> list[User]: ...

    async def by_cursor(self, after: PagePosition | None, size: int) -> UserPage: ...


class ColumnReader(Protocol):
    async def shape(self, shape: ColumnShape, skip: int, size: int) -> list[Row]: ...

    async def of_type(self, kind: ColumnType, skip: int, size: int) -> list[Row]: ...


class AuthorRepository(Protocol):
    async def page_with_posts(self, strategy: LoadStrategy, skip: int, size: int) -> list[Author]: ...


class BulkItemRepository(Protocol):
    #: The data layer's name, and the insert strategies it has.
    layer: str
    insert_strategies: Sequence[BulkInsertStrategy]

    async def insert(self, strategy: BulkInsertStrategy, items: Sequence[NewBulkItem]) -> int:
        """Rows written; raises Conflict when a sku exists."""
        ...

    async def update(self, strategy: BulkUpdateStrategy, updates: Sequence[QuantityUpdate]) -> int: ...


class StockRepository(Protocol):
    async def decrement(self, strategy: LockStrategy, product_id: int, quantity: int) -> int:
        """Applies the decrement under the strategy; returns the retries it took. Raises NotFound
        for an unknown product, Conflict when the stock is short or retries ran out."""
        ...


class UpstreamGateway(Protocol):
    async def fetch_data(self) -> Any:
        """The upstream's data; raises UpstreamUnavailable."""
        ...


class TokenVerifier(Protocol):
    def subject(self, authorization: str | None) -> str:
        """The subject of a bearer Authorization header; raises InvalidCredentials."""
        ...


class RequestLog(Protocol):
    def record(self, method: str, path: str, status: int, duration_ms: float) -> None: ...

    @property
    def size(self) -> int: ...


# ---- 14–19 ----------------------------------------------------------------------------------


class UserCache(Protocol):
    """Users as the cache holds them (cache-aside: the use cases decide when to read and write)."""

    async def get(self, user_id: int) -> User | None: ...

    async def evict_and_get(self, user_id: int) -> None:
        """The forced miss: the entry deleted, then read (and missed)."""
        ...

    async def put(self, user: User) -> None: ...

    async def put_many(self, users: Sequence[User]) -> None: ...

    async def evict(self, user_id: int) -> None: ...

    async def flush(self) -> int:
        """Every user entry deleted (nothing else); how many."""
        ...

    def info(self) -> CacheInfo: ...


class AccountRepository(Protocol):
    async def by_email(self, email: str) -> Account | None: ...


class PasswordVerifier(Protocol):
    async def matches(self, password: str, stored_hash: str) -> bool: ...


class LoginTokens(Protocol):
    def issue(self, principal: Principal) -> str: ...

    def principal(self, authorization: str | None) -> Principal:
        """The principal of a bearer login token; raises InvalidCredentials."""
        ...


class SessionStore(Protocol):
    async def create(self, principal: Principal) -> str: ...

    async def principal(self, authorization: str | None) -> Principal:
        """The session of a bearer session token; raises InvalidCredentials."""
        ...

    async def end(self, authorization: str | None) -> None:
        """Raises InvalidCredentials when there is no such session."""
        ...


class OrderReports(Protocol):
    async def count(self, strategy: AggregateStrategy) -> int: ...

    async def by(self, dimension: OrdersDimension, strategy: AggregateStrategy) -> list[GroupStats]: ...

    async def top_authors(self, strategy: AggregateStrategy, size: int) -> list[AuthorRevenue]: ...


class DocumentSearch(Protocol):
    async def search(self, strategy: SearchStrategy, term: str, size: int) -> list[SearchHit]: ...


class AuthorPostRepository(Protocol):
    async def page(self, author_id: int, skip: int, size: int) -> list[PostSummary]: ...

    async def get(self, author_id: int, post_id: int) -> AuthorPost | None: ...

    async def retitle(self, author_id: int, post_id: int, title: str) -> AuthorPost | None:
        """The retitled post (committed), None for another author's or an unknown one."""
        ...
