"""Use cases: one class per thing a client can ask for, each depending on ports only."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..domain.errors import FileTooLarge, InvalidCredentials, NotFound, UnsupportedStrategy
from ..domain.model import (
    AggregateStrategy,
    Author,
    AuthorPost,
    AuthorRevenue,
    BulkInsertStrategy,
    BulkUpdateStrategy,
    CacheStrategy,
    ColumnShape,
    ColumnType,
    Credentials,
    FileDigest,
    GroupStats,
    IssuedToken,
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
from .ports import (
    AccountRepository,
    AuthorPostRepository,
    AuthorRepository,
    BulkItemRepository,
    ColumnReader,
    DocumentSearch,
    LoginTokens,
    OrderReports,
    PasswordVerifier,
    RequestLog,
    SessionStore,
    StockRepository,
    TokenVerifier,
    UpstreamGateway,
    UserCache,
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


# ---- 14–15 cache-aside -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadUserThroughCache:
    """``none`` reads the database only; ``aside`` answers a cached user, else reads and stores
    it; ``miss`` evicts first, then as ``aside``. An unknown user is never cached."""

    users: UserRepository
    cache: UserCache

    async def __call__(self, user_id: int, strategy: CacheStrategy) -> User:
        if strategy is CacheStrategy.ASIDE:
            cached = await self.cache.get(user_id)
            if cached is not None:
                return cached
        elif strategy is CacheStrategy.MISS:
            await self.cache.evict_and_get(user_id)
        user = await self.users.get(user_id)
        if user is None:
            raise NotFound(f"user {user_id} not found")
        if strategy is not CacheStrategy.NONE:
            await self.cache.put(user)
        return user


@dataclass(frozen=True, slots=True)
class RenameUser:
    users: UserRepository
    cache: UserCache

    async def __call__(self, user_id: int, name: str) -> User:
        user = await self.users.rename(user_id, name)
        if user is None:
            raise NotFound(f"user {user_id} not found")
        # After the write is committed: the next read misses and finds the new name.
        await self.cache.evict(user_id)
        return user


@dataclass(frozen=True, slots=True)
class WarmUserCache:
    users: UserRepository
    cache: UserCache

    async def __call__(self, first: int, count: int) -> int:
        found = await self.users.in_range(first, count)
        if found:
            await self.cache.put_many(found)
        return len(found)


@dataclass(frozen=True, slots=True)
class FlushUserCache:
    cache: UserCache

    async def __call__(self) -> int:
        return await self.cache.flush()


# ---- 16 authentication -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckCredentials:
    """The account with this email and its password; an unknown email and a wrong password are
    the same InvalidCredentials."""

    accounts: AccountRepository
    passwords: PasswordVerifier

    async def __call__(self, credentials: Credentials) -> Principal:
        account = await self.accounts.by_email(credentials.email)
        if account is None or not await self.passwords.matches(credentials.password, account.password_hash):
            raise InvalidCredentials("invalid email or password")
        return Principal(str(account.id), account.email)


@dataclass(frozen=True, slots=True)
class LogInWithToken:
    check: CheckCredentials
    tokens: LoginTokens
    ttl_seconds: int

    async def __call__(self, credentials: Credentials) -> IssuedToken:
        return IssuedToken(self.tokens.issue(await self.check(credentials)), self.ttl_seconds)


@dataclass(frozen=True, slots=True)
class LogInWithSession:
    check: CheckCredentials
    sessions: SessionStore
    ttl_seconds: int

    async def __call__(self, credentials: Credentials) -> IssuedToken:
        return IssuedToken(await self.sessions.create(await self.check(credentials)), self.ttl_seconds)


# ---- 17 aggregation, 18 search ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportOrders:
    reports: OrderReports

    async def count(self, strategy: AggregateStrategy) -> int:
        return await self.reports.count(strategy)

    async def by(self, dimension: str, strategy: AggregateStrategy) -> list[GroupStats]:
        try:
            known = OrdersDimension(dimension)
        except ValueError:
            raise NotFound(f"unknown orders dimension {dimension!r}") from None
        return await self.reports.by(known, strategy)

    async def top_authors(self, strategy: AggregateStrategy, size: int) -> list[AuthorRevenue]:
        return await self.reports.top_authors(strategy, size)


@dataclass(frozen=True, slots=True)
class SearchDocuments:
    documents: DocumentSearch

    async def __call__(self, strategy: SearchStrategy, term: str, size: int) -> list[SearchHit]:
        return await self.documents.search(strategy, term, size)


# ---- 19 real-world flow ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ManageOwnPosts:
    """The principal's own posts: another author's post is simply not found."""

    posts: AuthorPostRepository

    async def list(self, principal: Principal, skip: int, size: int) -> list[PostSummary]:
        return await self.posts.page(principal.author_id, skip, size)

    async def read(self, principal: Principal, post_id: int) -> AuthorPost:
        post = await self.posts.get(principal.author_id, post_id)
        if post is None:
            raise NotFound(f"post {post_id} not found")
        return post

    async def retitle(self, principal: Principal, post_id: int, title: str) -> AuthorPost:
        post = await self.posts.retitle(principal.author_id, post_id, title)
        if post is None:
            raise NotFound(f"post {post_id} not found")
        return post
