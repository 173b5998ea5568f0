"""The composition root: builds the adapters once per process and the use cases per unit of work
(one database session per request). Nothing else names an infrastructure class."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lab_contract.config import Settings
from lab_contract.meta import target_meta

from .application import use_cases
from .infrastructure.database import Database
from .infrastructure.gateways import HttpxUpstreamGateway, JwtTokenVerifier, RingBufferRequestLog
from .infrastructure.repositories import (
    SqlAlchemyAuthorRepository,
    SqlAlchemyBulkItemRepository,
    SqlAlchemyColumnReader,
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

    async def start(self) -> None:
        await self.database.open()

    async def close(self) -> None:
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
