"""The database connection: one AsyncEngine (asyncpg) with exactly LAB_DB_POOL connections."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from lab_contract.config import sqlalchemy_url
from lab_sqlalchemy.pool import discard_dead_connections, engine_options


class Database:
    def __init__(self, database_url: str, pool_size: int) -> None:
        self.engine = create_async_engine(
            sqlalchemy_url(database_url, "asyncpg"), **engine_options(pool_size)
        )
        discard_dead_connections(self.engine.sync_engine)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    async def open(self) -> None:
        # First connection now: the dialect's one-time queries (server version, type codecs)
        # happen at start-up, not inside the first (statement-counted) request.
        async with self.engine.connect():
            pass

    def session(self) -> AsyncSession:
        return self.sessions()

    async def close(self) -> None:
        await self.engine.dispose()
