"""The composition root: builds the adapters once per process and the use cases per unit of work
(one database session per request). Nothing else names an infrastructure class."""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncSession

from lab_contract.config import Settings
from lab_contract.meta import target_meta
from lab_contract.redis_store import open_async

from .application import use_cases
from .infrastructure.database import Database
from .infrastructure.gateways import (
    HttpxUpstreamGateway,
    JwtLoginTokens,
    JwtTokenVerifier,
    RedisSessionStore,
    RedisUserCache,
    RingBufferRequestLog,
    ScryptPasswordVerifier,
)
from .infrastructure.repositories import (
    SqlAlchemyAccountRepository,
    SqlAlchemyAuthorPostRepository,
    SqlAlchemyAuthorRepository,
    SqlAlchemyBulkItemRepository,
    SqlAlchemyColumnReader,
    SqlAlchemyDocumentSearch,
    SqlAlchemyOrderReports,
    SqlAlchemyStockRepository,
    SqlAlchemyUserPagination,
    SqlAlchemyUserRepository,
)


class Container:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.database = Database(settings.database_url, settings.db_pool)
        self.upstream = HttpxUpstreamGateway(settings)
        self.request_log = RingBufferRequestLog()
        self.meta: dict[str, Any] = target_meta(
            target="fastapi-strict",
            framework="fastapi",
            distribution="fastapi",
            data_layer=settings.data_layer,
            db_pool=settings.db_pool,
        )
        # Use cases without a unit of work: one instance per process.
        self.fetch_upstream_data = use_cases.FetchUpstreamData(self.upstream)
        self.authenticate = use_cases.Authenticate(JwtTokenVerifier(settings.auth_secret))
        self.count_logged_requests = use_cases.CountLoggedRequests(self.request_log)
        self.digest_file = use_cases.DigestFile(settings.upload_limit_bytes)
        self.login_tokens = JwtLoginTokens(settings.auth_secret, settings.auth_ttl_seconds)
        self.passwords = ScryptPasswordVerifier()
        # Redis-backed adapters (cache, sessions), set by start() when REDIS_URL is.
        self.redis: aioredis.Redis | None = None
        self.user_cache: RedisUserCache | None = None
        self.sessions: RedisSessionStore | None = None

    async def start(self) -> None:
        await self.database.open()
        if self.settings.redis_url:
            # A pool as large as the database's, every connection opened now.
            self.redis = await open_async(self.settings.redis_url, self.settings.db_pool)
            self.user_cache = RedisUserCache(
                self.redis, self.settings.db_pool, self.settings.cache_ttl_seconds
            )
            self.sessions = RedisSessionStore(self.redis, self.settings.auth_ttl_seconds)

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
        await self.upstream.close()
        await self.database.close()

    # ---- use cases of one unit of work (the request's session) -------------------------------

    def list_users(self, session: AsyncSession) -> use_cases.ListUsers:
        return use_cases.ListUsers(SqlAlchemyUserRepository(session))

    def get_user(self, session: AsyncSession) -> use_cases.GetUser:
        return use_cases.GetUser(SqlAlchemyUserRepository(session))

    def register_user(self, session: AsyncSession) -> use_cases.RegisterUser:
        return use_cases.RegisterUser(SqlAlchemyUserRepository(session))

    def page_users(self, session: AsyncSession) -> use_cases.PageUsers:
        return use_cases.PageUsers(SqlAlchemyUserPagination(session))

    def read_columns(self, session: AsyncSession) -> use_cases.ReadColumns:
        return use_cases.ReadColumns(SqlAlchemyColumnReader(session))

    def load_authors(self, session: AsyncSession) -> use_cases.LoadAuthors:
        return use_cases.LoadAuthors(SqlAlchemyAuthorRepository(session))

    def insert_bulk_items(self, session: AsyncSession) -> use_cases.InsertBulkItems:
        return use_cases.InsertBulkItems(SqlAlchemyBulkItemRepository(session))

    def update_bulk_items(self, session: AsyncSession) -> use_cases.UpdateBulkItems:
        return use_cases.UpdateBulkItems(SqlAlchemyBulkItemRepository(session))

    def decrement_stock(self, session: AsyncSession) -> use_cases.DecrementStock:
        return use_cases.DecrementStock(SqlAlchemyStockRepository(session))

    # ---- 14–19 ------------------------------------------------------------------------------

    def user_cache_port(self) -> RedisUserCache:
        assert self.user_cache is not None, "the cache routes are served with REDIS_URL only"
        return self.user_cache

    def session_store(self) -> RedisSessionStore:
        assert self.sessions is not None, "the session routes are served with REDIS_URL only"
        return self.sessions

    def read_user_through_cache(self, session: AsyncSession) -> use_cases.ReadUserThroughCache:
        return use_cases.ReadUserThroughCache(SqlAlchemyUserRepository(session), self.user_cache_port())

    def rename_user(self, session: AsyncSession) -> use_cases.RenameUser:
        return use_cases.RenameUser(SqlAlchemyUserRepository(session), self.user_cache_port())

    def warm_user_cache(self, session: AsyncSession) -> use_cases.WarmUserCache:
        return use_cases.WarmUserCache(SqlAlchemyUserRepository(session), self.user_cache_port())

    def flush_user_cache(self) -> use_cases.FlushUserCache:
        return use_cases.FlushUserCache(self.user_cache_port())

    def _check_credentials(self, session: AsyncSession) -> use_cases.CheckCredentials:
        return use_cases.CheckCredentials(SqlAlchemyAccountRepository(session), self.passwords)

    def log_in_with_token(self, session: AsyncSession) -> use_cases.LogInWithToken:
        return use_cases.LogInWithToken(
            self._check_credentials(session), self.login_tokens, self.settings.auth_ttl_seconds
        )

    def log_in_with_session(self, session: AsyncSession) -> use_cases.LogInWithSession:
        return use_cases.LogInWithSession(
            self._check_credentials(session), self.session_store(), self.settings.auth_ttl_seconds
        )

    def report_orders(self, session: AsyncSession) -> use_cases.ReportOrders:
        return use_cases.ReportOrders(SqlAlchemyOrderReports(session))

    def search_documents(self, session: AsyncSession) -> use_cases.SearchDocuments:
        return use_cases.SearchDocuments(SqlAlchemyDocumentSearch(session))

    def manage_own_posts(self, session: AsyncSession) -> use_cases.ManageOwnPosts:
        return use_cases.ManageOwnPosts(SqlAlchemyAuthorPostRepository(session))
