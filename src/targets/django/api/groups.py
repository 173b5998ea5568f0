"""The contract groups of scenarios 14–19 as DRF views: cache-aside with redis-py (14–15), logins,
JWTs and Redis sessions (16), aggregates on the Django ORM (17), search (18) and the session
author's posts (19). The Redis-backed views are routed with REDIS_URL only (labsite/urls.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Avg, Count, F, Sum
from django.db.models.functions import Collate, Lower, Round
from django.http import HttpResponse
from rest_framework import exceptions, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lab_contract import reports, rules
from lab_contract.auth import ANONYMOUS, Principal, bad_credentials, bearer_token, issue_login_token
from lab_contract.passwords import verify_password
from lab_contract.redis_store import (
    cache_info,
    new_session_token,
    no_session,
    session_key,
    session_token_shape,
    session_value,
    to_json,
    user_key,
)

from . import serializers as s
from .authentication import LoginTokenAuthentication, RedisSessionAuthentication
from .models import Account, Author, AuthorPost, Document, Order, User
from .views import ContractView, app_state, validated

_USER_COLUMNS = ("id", "name", "email", "created_at")
#: SCAN's page size while flushing (each page's keys are unlinked in one command).
SCAN_COUNT = 1000


def _redis() -> Any:
    return app_state().redis


# ---- 14–15 cache-aside -----------------------------------------------------------------------


def _user_from_database(user_id: int) -> dict[str, Any]:
    try:
        user = User.objects.only(*_USER_COLUMNS).get(pk=user_id)
    except User.DoesNotExist:
        raise exceptions.NotFound(f"user {user_id} not found") from None  # never cached
    return s.UserSerializer(user).data


class CacheWarmView(ContractView, APIView):
    def post(self, request: Any) -> Response:
        body = validated(s.CacheWarmSerializer, request.data)
        first, count = body["from"], body["count"]
        users = User.objects.only(*_USER_COLUMNS).filter(id__gte=first, id__lt=first + count).order_by("id")
        stored = s.UserSerializer(users, many=True).data
        if stored:
            # One round trip for every SET (no MULTI: a pipeline, not a transaction).
            with _redis().pipeline(transaction=False) as pipe:
                for user in stored:
                    pipe.set(user_key(user["id"]), to_json(user), ex=settings.LAB.cache_ttl_seconds)
                pipe.execute()
        return Response({"warmed": len(stored)})


class CacheFlushView(ContractView, APIView):
    body_media_type = None  # a body is ignored

    def post(self, request: Any) -> Response:
        """Every ``user:*`` key, page by page (SCAN, then UNLINK: freed off Redis's main thread);
        never FLUSHDB, the sessions live in the same database."""
        cache = _redis()
        deleted, cursor = 0, 0
        while True:
            cursor, keys = cache.scan(cursor, match="user:*", count=SCAN_COUNT)
            if keys:
                deleted += cache.unlink(*keys)
            if cursor == 0:
                return Response({"deleted": deleted})


class CacheInfoView(ContractView, APIView):
    def get(self, request: Any) -> Response:
        return Response(cache_info(settings.LAB.db_pool, settings.LAB.cache_ttl_seconds))


class CacheUserView(ContractView, APIView):
    http_method_names = ["get", "head", "patch"]

    def get(self, request: Any, pk: str) -> Response:
        user_id = validated(s.UserIdField, {"id": pk})["id"]
        strategy = validated(s.strategy_query(rules.CACHE_STRATEGIES), request.query_params)["strategy"]
        if strategy == "none":
            return Response(_user_from_database(user_id))
        cache, key = _redis(), user_key(user_id)
        if strategy == "aside":
            cached = cache.get(key)
            if cached is not None:
                # A hit answers the stored JSON as it is: no database, no re-serialisation.
                return HttpResponse(cached, content_type="application/json")
        else:
            # The forced miss: DEL, then the GET that now misses, in one round trip.
            cache.pipeline(transaction=False).delete(key).get(key).execute()
        user = _user_from_database(user_id)
        cache.set(key, to_json(user), ex=settings.LAB.cache_ttl_seconds)
        return Response(user)

    def patch(self, request: Any, pk: str) -> Response:
        user_id = validated(s.UserIdField, {"id": pk})["id"]
        name = validated(s.UserRenameSerializer, request.data)["name"]
        # The ORM's update() returns a row count, not the row: one UPDATE … RETURNING through
        # raw(), mapped onto the model (autocommit: committed when it returns).
        renamed = list(
            User.objects.raw(
                "UPDATE users SET name = %s WHERE id = %s RETURNING id, name, email, created_at",
                [name, user_id],
            )
        )
        if not renamed:
            raise exceptions.NotFound(f"user {user_id} not found")
        # Invalidation after the write: the next read misses and finds the new name.
        _redis().delete(user_key(user_id))
        return Response(s.UserSerializer(renamed[0]).data)


# ---- 16 authentication -----------------------------------------------------------------------


def _check_credentials(data: Any) -> Principal:
    """The author with this email (1 statement) and its scrypt hash; an unknown email and a wrong
    password get the same 401."""
    login = validated(s.LoginSerializer, data)
    account = Account.objects.filter(email=login["email"]).values_list("id", "email", "password_hash").first()
    if account is None or not verify_password(login["password"], account[2]):
        raise bad_credentials()
    return Principal(str(account[0]), account[1])


class PublicView(ContractView, APIView):
    def get(self, request: Any) -> Response:
        return Response(ANONYMOUS)


class JwtLoginView(ContractView, APIView):
    def post(self, request: Any) -> Response:
        principal = _check_credentials(request.data)
        lab = settings.LAB
        token = issue_login_token(principal, lab.auth_secret, lab.auth_ttl_seconds)
        return Response({"token": token, "expiresIn": lab.auth_ttl_seconds})


class JwtMeView(ContractView, APIView):
    authentication_classes = [LoginTokenAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request: Any) -> Response:
        return Response(request.user.principal.body())


class SessionLoginView(ContractView, APIView):
    def post(self, request: Any) -> Response:
        principal = _check_credentials(request.data)
        ttl = settings.LAB.auth_ttl_seconds
        token = new_session_token()
        _redis().set(session_key(token), session_value(principal), ex=ttl)
        return Response({"token": token, "expiresIn": ttl})


class SessionMeView(ContractView, APIView):
    authentication_classes = [RedisSessionAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request: Any) -> Response:
        return Response(request.user.principal.body())


class LogoutView(ContractView, APIView):
    body_media_type = None  # a body is ignored

    def post(self, request: Any) -> Response:
        """One DEL: it says whether there was a session (401 when not)."""
        token = session_token_shape(bearer_token(request.headers.get("Authorization")))
        if _redis().delete(session_key(token)) == 0:
            raise no_session()
        return Response({"loggedOut": True})


# ---- 17 aggregation --------------------------------------------------------------------------


def _raw(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """The contract's reference SQL through the ORM's connection."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _strategy(request: Any) -> str:
    return validated(s.strategy_query(rules.AGGREGATE_STRATEGIES), request.query_params)["strategy"]


class AggregateCountView(ContractView, APIView):
    def get(self, request: Any) -> Response:
        match _strategy(request):
            case "raw":
                count = _raw(reports.AGGREGATE_SQL["count"])[0][0]
            case "builder":
                count = Order.objects.count()
            case _:
                # reduce: every id loaded (a list, not iterator(): no server-side cursor).
                count = len(list(Order.objects.values_list("id", flat=True)))
        return Response({"count": count})


class OrdersByView(ContractView, APIView):
    def get(self, request: Any, dimension: str) -> Response:
        if dimension not in rules.ORDERS_DIMENSIONS:
            raise exceptions.NotFound(f"unknown orders dimension {dimension!r}")
        match _strategy(request):
            case "raw":
                items = [reports.group_json(*row) for row in _raw(reports.AGGREGATE_SQL[dimension])]
            case "builder":
                # values() then annotate(): GROUP BY the dimension; keys in byte order.
                rows = (
                    Order.objects.values(dimension)
                    .annotate(
                        orders=Count("*"),
                        total_quantity=Sum("quantity"),
                        revenue=Sum("amount"),
                        avg_amount=Round(Avg("amount"), 2),
                    )
                    .order_by(Collate(dimension, "C"))
                    .values_list(dimension, "orders", "total_quantity", "revenue", "avg_amount")
                )
                items = [reports.group_json(*row) for row in rows]
            case _:
                items = reports.group_orders(Order.objects.values_list(dimension, "quantity", "amount"))
        return Response({"items": items})


class TopAuthorsView(ContractView, APIView):
    def get(self, request: Any) -> Response:
        query = validated(s.TopAuthorsQuery, request.query_params)
        size = query["size"]
        match query["strategy"]:
            case "raw":
                rows = _raw(reports.AGGREGATE_SQL["top_authors"].format(size="%s"), [size])
                items = [reports.author_revenue_json(*row) for row in rows]
            case "builder":
                rows = (
                    Order.objects.values("author_id", author_name=F("author__name"))
                    .annotate(orders=Count("*"), revenue=Sum("amount"), avg_amount=Round(Avg("amount"), 2))
                    .order_by("-revenue", "author_id")
                    .values_list("author_id", "author_name", "orders", "revenue", "avg_amount")[:size]
                )
                items = [reports.author_revenue_json(*row) for row in rows]
            case _:
                top = reports.top_author_tallies(Order.objects.values_list("author_id", "amount"), size)
                names = dict(Author.objects.filter(id__in=[i for i, _ in top]).values_list("id", "name"))
                items = reports.with_names(top, names)
        return Response({"items": items})


# ---- 18 search -------------------------------------------------------------------------------


class SearchView(ContractView, APIView):
    def get(self, request: Any) -> Response:
        """Django's psycopg cursors bind client-side (no server_side_binding): each search is sent
        with its term in the SQL and planned for it, never as a prepared statement."""
        query = validated(s.SearchQuery, request.query_params)
        q, documents = query["q"], Document.objects.only("id", "title", "created_at")
        match query["strategy"]:
            case "ilike":
                # icontains: UPPER(body) LIKE UPPER('%q%') on PostgreSQL; no index serves it.
                documents = documents.filter(body__icontains=q)
            case "trigram":
                # lower(body) LIKE '%q%': the pg_trgm GIN index on lower(body) serves it.
                documents = documents.alias(body_lower=Lower("body")).filter(body_lower__contains=q.lower())
            case _:
                documents = documents.filter(
                    search_vector=SearchQuery(q, config="english", search_type="plain")
                )
        page = documents.order_by("-created_at", "-id")[: query["size"]]
        return Response({"items": s.SearchHitSerializer(page, many=True).data})


# ---- 19 real-world flow ----------------------------------------------------------------------


class FlowPostViewSet(ContractView, viewsets.ViewSet):
    """The session author's posts: authentication (the session) runs in ``initial``, before a
    parameter or the body is read; another author's post is simply not found."""

    http_method_names = ["get", "head", "patch"]
    authentication_classes = [RedisSessionAuthentication]
    permission_classes = [IsAuthenticated]
    lookup_value_regex = "[^/]+"

    def _author(self) -> int:
        return int(self.request.user.principal.subject)

    def list(self, request: Any) -> Response:
        page = validated(s.OffsetQuery, request.query_params)
        skip, size = page["skip"], page["size"]
        posts = AuthorPost.objects.filter(author_id=self._author()).order_by("id")[skip : skip + size]
        return Response(
            {"items": s.PostSummarySerializer(posts.only("id", "title", "view_count"), many=True).data}
        )

    def retrieve(self, request: Any, pk: str) -> Response:
        post_id = validated(s.PostIdField, {"id": pk})["id"]
        post = AuthorPost.objects.filter(pk=post_id, author_id=self._author()).first()
        if post is None:
            raise exceptions.NotFound(f"post {post_id} not found")
        return Response(s.AuthorPostSerializer(post).data)

    def partial_update(self, request: Any, pk: str) -> Response:
        post_id = validated(s.PostIdField, {"id": pk})["id"]
        title = validated(s.RetitleSerializer, request.data)["title"]
        # One UPDATE … RETURNING (the ORM's update() gives a count), in autocommit.
        retitled = list(
            AuthorPost.objects.raw(
                "UPDATE posts SET title = %s WHERE id = %s AND author_id = %s "
                "RETURNING id, author_id, title, body, view_count",
                [title, post_id, self._author()],
            )
        )
        if not retitled:
            raise exceptions.NotFound(f"post {post_id} not found")
        return Response(s.AuthorPostSerializer(retitled[0]).data)
