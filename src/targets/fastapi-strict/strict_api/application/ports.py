"""Ports: the interfaces the use cases depend on, implemented by the infrastructure adapters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from ..domain.model import (
    Author,
    BulkInsertStrategy,
    BulkUpdateStrategy,
    ColumnShape,
    ColumnType,
    LoadStrategy,
    LockStrategy,
    NewBulkItem,
    NewUser,
    PagePosition,
    QuantityUpdate,
    Row,
    User,
    UserPage,
)


class UserRepository(Protocol):
    async def page(self, limit: int, offset: int) -> list[User]: ...

    async def get(self, user_id: int) -> User | None: ...

    async def add(self, new: NewUser) -> User:
        """Raises Conflict when the email exists."""
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
