"""Use cases: one class per thing a client can ask for, each depending on ports only."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..domain.errors import FileTooLarge, NotFound, UnsupportedStrategy
from ..domain.model import (
    Author,
    BulkInsertStrategy,
    BulkUpdateStrategy,
    ColumnShape,
    ColumnType,
    FileDigest,
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
from .ports import (
    AuthorRepository,
    BulkItemRepository,
    ColumnReader,
    RequestLog,
    StockRepository,
    TokenVerifier,
    UpstreamGateway,
    UserPagination,
    UserRepository,
)


@dataclass(frozen=True, slots=True)
class ListUsers:
    users: UserRepository

    async def __call__(self, limit: int, offset: int) -> list[User]:
        return await self.users.page(limit, offset)


@dataclass(frozen=True, slots=True)
class GetUser:
    users: UserRepository

    async def __call__(self, user_id: int) -> User:
        user = await self.users.get(user_id)
        if user is None:
            raise NotFound(f"user {user_id} not found")
        return user


@dataclass(frozen=True, slots=True)
class RegisterUser:
    users: UserRepository

    async def __call__(self, new: NewUser) -> User:
        return await self.users.add(new)


@dataclass(frozen=True, slots=True)
class FetchUpstreamData:
    upstream: UpstreamGateway

    async def __call__(self) -> Any:
        return await self.upstream.fetch_data()


@dataclass(frozen=True, slots=True)
class Authenticate:
    tokens: TokenVerifier

    def __call__(self, authorization: str | None) -> str:
        return self.tokens.subject(authorization)


@dataclass(frozen=True, slots=True)
class CountLoggedRequests:
    log: RequestLog

    def __call__(self) -> int:
        return self.log.size


@dataclass(frozen=True, slots=True)
class DigestFile:
    """Size and SHA-256 of a file as it streams; past the limit it only counts (the rest is still
    read, so the client's connection stays usable) and then refuses."""

    limit: int

    async def __call__(self, chunks: AsyncIterator[bytes]) -> FileDigest:
        digest = hashlib.sha256()
        size = 0
        async for chunk in chunks:
            size += len(chunk)
            if size <= self.limit:
                digest.update(chunk)
        if size > self.limit:
            raise FileTooLarge(f"file exceeds {self.limit} bytes")
        return FileDigest(size, digest.hexdigest())


@dataclass(frozen=True, slots=True)
class PageUsers:
    pages: UserPagination

    async def by_offset(self, skip: int, size: int) -> list[User]:
        return await self.pages.by_offset(skip, size)

    async def by_key(self, after_id: int, size: int) -> list[User]:
        return await self.pages.by_key(after_id, size)

    async def by_cursor(self, after: PagePosition | None, size: int) -> UserPage:
        return await self.pages.by_cursor(after, size)


@dataclass(frozen=True, slots=True)
class ReadColumns:
    columns: ColumnReader

    async def shape(self, shape: str, skip: int, size: int) -> list[Row]:
        try:
            known = ColumnShape(shape)
        except ValueError:
            raise NotFound(f"unknown column shape {shape!r}") from None
        return await self.columns.shape(known, skip, size)

    async def of_type(self, kind: str, skip: int, size: int) -> list[Row]:
        try:
            known = ColumnType(kind)
        except ValueError:
            raise NotFound(f"unknown column type {kind!r}") from None
        return await self.columns.of_type(known, skip, size)


@dataclass(frozen=True, slots=True)
class LoadAuthors:
    authors: AuthorRepository

    async def __call__(self, strategy: LoadStrategy, skip: int, size: int) -> list[Author]:
        return await self.authors.page_with_posts(strategy, skip, size)


@dataclass(frozen=True, slots=True)
class InsertBulkItems:
    items: BulkItemRepository

    async def __call__(self, strategy: BulkInsertStrategy, new: Sequence[NewBulkItem]) -> int:
        if strategy not in self.items.insert_strategies:
            has = ", ".join(self.items.insert_strategies)
            raise UnsupportedStrategy(
                f"bulk insert strategy {strategy} is not implemented by the {self.items.layer} "
                f"data layer (it has: {has})"
            )
        return await self.items.insert(strategy, new)


@dataclass(frozen=True, slots=True)
class UpdateBulkItems:
    items: BulkItemRepository

    async def __call__(self, strategy: BulkUpdateStrategy, updates: Sequence[QuantityUpdate]) -> int:
        return await self.items.update(strategy, updates)


@dataclass(frozen=True, slots=True)
class DecrementStock:
    stock: StockRepository

    async def __call__(self, strategy: LockStrategy, product_id: int, quantity: int) -> int:
        """The retries it took (a Conflict when it could not be applied)."""
        return await self.stock.decrement(strategy, product_id, quantity)
