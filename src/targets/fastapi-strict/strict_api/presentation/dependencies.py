"""FastAPI dependency injection: the container from the lifespan, the request's session (the
unit of work), and the use cases the routes declare."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from ..application import use_cases
from ..container import Container
from ..domain.model import Principal


def container(request: Request) -> Container:
    return request.state.container


ContainerDep = Annotated[Container, Depends(container)]


async def session(app: ContainerDep) -> AsyncIterator[AsyncSession]:
    """One session per request, closed (its connection back in the pool) when the endpoint
    returns (``scope="function"``), before the response goes out."""
    async with app.database.session() as db:
        yield db


SessionDep = Annotated[AsyncSession, Depends(session, scope="function")]


def _per_session(build):  # type: ignore[no-untyped-def]
    """A dependency building a use case on the request's session through the container."""

    def provide(app: ContainerDep, db: SessionDep):  # type: ignore[no-untyped-def]
        return build(app, db)

    return Depends(provide)


ListUsers = Annotated[use_cases.ListUsers, _per_session(Container.list_users)]
GetUser = Annotated[use_cases.GetUser, _per_session(Container.get_user)]
RegisterUser = Annotated[use_cases.RegisterUser, _per_session(Container.register_user)]
PageUsers = Annotated[use_cases.PageUsers, _per_session(Container.page_users)]
ReadColumns = Annotated[use_cases.ReadColumns, _per_session(Container.read_columns)]
LoadAuthors = Annotated[use_cases.LoadAuthors, _per_session(Container.load_authors)]
InsertBulkItems = Annotated[use_cases.InsertBulkItems, _per_session(Container.insert_bulk_items)]
UpdateBulkItems = Annotated[use_cases.UpdateBulkItems, _per_session(Container.update_bulk_items)]
DecrementStock = Annotated[use_cases.DecrementStock, _per_session(Container.decrement_stock)]
ReadUserThroughCache = Annotated[
    use_cases.ReadUserThroughCache, _per_session(Container.read_user_through_cache)
]
RenameUser = Annotated[use_cases.RenameUser, _per_session(Container.rename_user)]
WarmUserCache = Annotated[use_cases.WarmUserCache, _per_session(Container.warm_user_cache)]
LogInWithToken = Annotated[use_cases.LogInWithToken, _per_session(Container.log_in_with_token)]
LogInWithSession = Annotated[use_cases.LogInWithSession, _per_session(Container.log_in_with_session)]
ReportOrders = Annotated[use_cases.ReportOrders, _per_session(Container.report_orders)]
SearchDocuments = Annotated[use_cases.SearchDocuments, _per_session(Container.search_documents)]
ManageOwnPosts = Annotated[use_cases.ManageOwnPosts, _per_session(Container.manage_own_posts)]


async def session_principal(request: Request, app: ContainerDep) -> Principal:
    """The principal of the request's session (the ``SessionStore`` port); InvalidCredentials
    (401) otherwise. Routes declare it first: it runs before parameters and body are validated."""
    return await app.session_store().principal(request.headers.get("authorization"))


def login_token_principal(request: Request, app: ContainerDep) -> Principal:
    return app.login_tokens.principal(request.headers.get("authorization"))


SessionPrincipal = Annotated[Principal, Depends(session_principal)]
LoginTokenPrincipal = Annotated[Principal, Depends(login_token_principal)]
