"""The contract as DRF views and viewsets."""

from __future__ import annotations

import time
from typing import Any

import httpx
from django.apps import apps
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Case, F, IntegerField, Prefetch, Q, Value, When
from django.db.models.functions import Now
from django.shortcuts import get_object_or_404
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import BasePagination
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lab_contract import rules
from lab_contract.cursor import decode_cursor, encode_cursor, iso_ms
from lab_contract.errors import ApiError
from lab_contract.jsonbody import json_object, media_type
from lab_contract.request_log import LogEntry

from . import serializers as s
from .authentication import BearerAuthentication
from .models import SHAPES, TYPE_MODELS, Author, BulkItem, Post, Product, User
from .uploads import DigestUploadHandler

#: The layer's name in /meta and messages, and the bulk insert strategies the Django ORM has.
LAYER = "django-orm"
INSERT_STRATEGIES = ("individual", "orm-batch", "multi-values")
SERIALIZATION_FAILURE = "40001"
MAX_RETRIES = 10


def app_state() -> Any:
    """The process's resources (api.apps.ApiConfig): request log, upstream client, meta."""
    return apps.get_app_config("api")


def validated(serializer_class: type[s.serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ContractView:
    """What every view of the contract shares: the methods it may be asked (anything else,
    OPTIONS included, is 405 with Allow), and the declared content type of POST bodies, also when
    there is no body at all (DRF would then parse nothing and let the 415 pass)."""

    http_method_names = ["get", "post", "head"]
    #: What POST and PATCH bodies must be; None: the view ignores any body.
    body_media_type: str | None = "application/json"

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        # The method first: DRF would authenticate before noticing it is not allowed (401, not 405).
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if (
            request.method in ("POST", "PATCH")
            and self.body_media_type is not None
            and media_type(request.content_type) != self.body_media_type
        ):
            raise exceptions.UnsupportedMediaType(request.content_type or "none")


# ---- 01, 02, 05 and /meta ------------------------------------------------------------------


class HealthView(ContractView, APIView):
    def get(self, request: Any) -> Response:
        return Response({"status": "ok"})


class MetaView(ContractView, APIView):
    def get(self, request: Any) -> Response:
        return Response(app_state().meta)


class EchoView(ContractView, APIView):
    def post(self, request: Any) -> Response:
        """Any JSON object, back as it came (``__proto__`` or ``constructor`` keys are just keys)."""
        return Response(json_object(request.data))


class ExternalView(ContractView, APIView):
    def get(self, request: Any) -> Response:
        try:
            upstream = app_state().upstream.get("/data")
            upstream.raise_for_status()
            return Response(upstream.json())
        except (httpx.HTTPError, ValueError) as error:
            raise ApiError("bad_gateway", f"upstream failed: {error}") from None


# ---- 03, 04 users ----------------------------------------------------------------------------


class UsersPagination(BasePagination):
    """``?limit&offset``, validated strictly, and the contract's page (no COUNT query)."""

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any]:
        query = validated(s.UsersPageQuery, request.query_params)
        self.limit, self.offset = query["limit"], query["offset"]
        return list(queryset[self.offset : self.offset + self.limit])

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"items": data, "limit": self.limit, "offset": self.offset})


class UserViewSet(ContractView, mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = User.objects.only("id", "name", "email", "created_at").order_by("id")
    serializer_class = s.UserSerializer
    pagination_class = UsersPagination
    # Any segment reaches retrieve(), which answers 400 for what is not an id (not 404).
    lookup_value_regex = "[^/]+"

    def retrieve(self, request: Any, pk: str) -> Response:
        user_id = validated(s.UserIdField, {"id": pk})["id"]
        return Response(s.UserSerializer(get_object_or_404(self.get_queryset(), pk=user_id)).data)

    def create(self, request: Any) -> Response:
        new = s.NewUserSerializer(data=request.data)
        new.is_valid(raise_exception=True)
        return Response(s.UserSerializer(new.save()).data, status=201)


# ---- 09 pagination ---------------------------------------------------------------------------

_PAGE_USERS = User.objects.only("id", "name", "email", "created_at")


class UserPageViewSet(ContractView, viewsets.ViewSet):
    @action(detail=False)
    def offset(self, request: Any) -> Response:
        query = validated(s.OffsetQuery, request.query_params)
        skip, size = query["skip"], query["size"]
        return Response(
            {"items": s.UserSerializer(_PAGE_USERS.order_by("id")[skip : skip + size], many=True).data}
        )

    @action(detail=False)
    def keyset(self, request: Any) -> Response:
        query = validated(s.KeysetQuery, request.query_params)
        users = _PAGE_USERS.filter(id__gt=query["after"]).order_by("id")[: query["size"]]
        return Response({"items": s.UserSerializer(users, many=True).data})

    @action(detail=False)
    def cursor(self, request: Any) -> Response:
        query = validated(s.CursorQuery, request.query_params)
        size = query["size"]
        users = _PAGE_USERS.order_by("created_at", "id")
        if "cursor" in query:
            created_at, after_id = decode_cursor(query["cursor"])
            # (created_at, id) > (t, id): the >= on created_at lets the (created_at, id) index
            # bound the scan, the OR is the tie-break.
            users = users.filter(created_at__gte=created_at).filter(
                Q(created_at__gt=created_at) | Q(id__gt=after_id)
            )
        page = list(users[: size + 1])  # one row more: whether a next page follows
        items = s.UserSerializer(page[:size], many=True).data
        last = page[size - 1] if len(page) > size else None
        return Response(
            {"items": items, "next": encode_cursor(iso_ms(last.created_at), last.id) if last else None}
        )


# ---- 10 column overhead ----------------------------------------------------------------------


class ColumnsViewSet(ContractView, viewsets.ViewSet):
    def retrieve(self, request: Any, pk: str) -> Response:
        if pk not in SHAPES:
            raise exceptions.NotFound(f"unknown column shape {pk!r}")
        query = validated(s.OffsetQuery, request.query_params)
        model, projected = SHAPES[pk]
        rows = model.objects.order_by("id")
        if projected:
            rows = rows.only(*projected)
        page = rows[query["skip"] : query["skip"] + query["size"]]
        return Response({"items": s.ROW_SERIALIZERS[pk](page, many=True).data})


class TypesViewSet(ContractView, viewsets.ViewSet):
    def retrieve(self, request: Any, pk: str) -> Response:
        if pk not in TYPE_MODELS:
            raise exceptions.NotFound(f"unknown column type {pk!r}")
        query = validated(s.OffsetQuery, request.query_params)
        page = TYPE_MODELS[pk].objects.order_by("id")[query["skip"] : query["skip"] + query["size"]]
        return Response({"items": s.TYPE_SERIALIZERS[pk](page, many=True).data})


# ---- 11 N+1 ----------------------------------------------------------------------------------


class AuthorViewSet(ContractView, viewsets.ViewSet):
    def list(self, request: Any) -> Response:
        query = validated(s.AuthorsQuery, request.query_params)
        skip, size = query["skip"], query["size"]
        page = Author.objects.order_by("id")[skip : skip + size]
        match query["strategy"]:
            case "lazy":
                # 1 + N: the serializer reads each author's posts manager, one SELECT per author.
                authors: Any = page
            case "select-in":
                # 2: prefetch_related loads every post of the page in one IN (…) query.
                authors = page.prefetch_related(Prefetch("posts", queryset=Post.objects.order_by("id")))
            case _:
                # 1: the Django ORM has no JOIN loading for a reverse relation (select_related is
                # for forward ones), but values() across it is one LEFT JOIN, the page of authors
                # an IN (subquery); rows grouped here, as the raw pg layer does.
                rows = (
                    Author.objects.filter(id__in=page.values("id"))
                    .order_by("id", "posts__id")
                    .values("id", "name", "posts__id", "posts__title", "posts__view_count")
                )
                grouped: dict[int, dict[str, Any]] = {}
                for row in rows:
                    author = grouped.setdefault(
                        row["id"], {"id": row["id"], "name": row["name"], "posts": []}
                    )
                    if row["posts__id"] is not None:
                        author["posts"].append(
                            {
                                "id": row["posts__id"],
                                "title": row["posts__title"],
                                "view_count": row["posts__view_count"],
                            }
                        )
                authors = list(grouped.values())
        return Response({"items": s.AuthorSerializer(authors, many=True).data})


# ---- 12 bulk ---------------------------------------------------------------------------------


class BulkItemViewSet(ContractView, viewsets.ViewSet):
    @action(detail=False, methods=["post"], url_path="insert")
    def insert_items(self, request: Any) -> Response:
        strategy = validated(s.strategy_query(rules.BULK_INSERT_STRATEGIES), request.query_params)["strategy"]
        items = validated(s.BulkInsertSerializer, request.data)["items"]
        if strategy not in INSERT_STRATEGIES:
            raise rules.unsupported_strategy(strategy, LAYER, INSERT_STRATEGIES)
        if strategy == "individual":
            # One INSERT … RETURNING per item, each its own (autocommit) transaction.
            for item in items:
                BulkItem.objects.create(**item)
        else:
            # orm-batch and multi-values are the same call in Django: its batching, bulk_create,
            # is one multi-row INSERT … RETURNING (all rows at once on PostgreSQL).
            with transaction.atomic():
                BulkItem.objects.bulk_create([BulkItem(**item) for item in items])
        return Response({"written": len(items)}, status=201)

    @action(detail=False, methods=["post"], url_path="update")
    def update_items(self, request: Any) -> Response:
        strategy = validated(s.strategy_query(rules.BULK_UPDATE_STRATEGIES), request.query_params)["strategy"]
        updates = validated(s.BulkUpdateSerializer, request.data)["updates"]
        if strategy == "individual":
            # One UPDATE per entry, each its own transaction.
            updated = sum(
                BulkItem.objects.filter(sku=u["sku"]).update(quantity=u["quantity"], updated_at=Now())
                for u in updates
            )
        else:
            # One UPDATE … SET quantity = CASE sku WHEN … END (what bulk_update builds too, but by
            # sku rather than by primary key, so no SELECT of the ids first).
            quantity = Case(
                *(When(sku=u["sku"], then=Value(u["quantity"])) for u in updates), output_field=IntegerField()
            )
            updated = BulkItem.objects.filter(sku__in=[u["sku"] for u in updates]).update(
                quantity=quantity, updated_at=Now()
            )
        return Response({"updated": updated})


# ---- 13 transactions -------------------------------------------------------------------------


class ProductViewSet(ContractView, viewsets.ViewSet):
    lookup_value_regex = "[^/]+"

    @action(detail=True, methods=["post"])
    def decrement(self, request: Any, pk: str) -> Response:
        product_id = validated(s.ProductIdField, {"id": pk})["id"]
        strategy = validated(s.strategy_query(rules.LOCK_STRATEGIES), request.query_params)["strategy"]
        quantity = validated(s.DecrementSerializer, request.data)["quantity"]
        for retries in range(MAX_RETRIES + 1):
            try:
                if self._decrement(strategy, product_id, quantity):
                    return Response({"ok": True, "retries": retries})
            except OperationalError as error:
                if (
                    strategy != "serializable"
                    or getattr(error.__cause__, "sqlstate", None) != SERIALIZATION_FAILURE
                ):
                    raise
            # optimistic: the version moved; serializable: PostgreSQL aborted it (40001). Again.
        raise ApiError("conflict", f"product {product_id}: decrement not applied after {MAX_RETRIES} retries")

    @staticmethod
    def _decrement(strategy: str, product_id: int, quantity: int) -> bool:
        """One attempt: the read, then the write (2 statements). False: a concurrent writer won."""
        products = Product.objects.filter(pk=product_id)
        if strategy == "none":
            # Read, then write the computed value, in autocommit: may lose updates.
            stock, _ = _read(products, product_id)
            _check(stock, quantity, product_id)
            return products.update(stock=stock - quantity, updated_at=Now()) == 1
        if strategy == "optimistic":
            stock, version = _read(products, product_id)
            _check(stock, quantity, product_id)
            written = products.filter(version=version).update(
                stock=stock - quantity, version=F("version") + 1, updated_at=Now()
            )
            return written == 1
        with transaction.atomic():
            if strategy == "serializable":
                # Django has no per-transaction isolation setting; SET TRANSACTION it is.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")
            else:
                products = products.select_for_update()  # pessimistic
            stock, _ = _read(products, product_id)
            _check(stock, quantity, product_id)
            return products.update(stock=stock - quantity, updated_at=Now()) == 1


def _read(products: Any, product_id: int) -> tuple[int, int]:
    row = products.values_list("stock", "version").first()
    if row is None:
        raise ApiError("not_found", f"product {product_id} not found")
    return row


def _check(stock: int, quantity: int, product_id: int) -> None:
    if stock < quantity:
        raise ApiError("conflict", f"product {product_id}: insufficient stock for {quantity}")


# ---- 06 middleware chain, 07 upload ----------------------------------------------------------


class RequestLogMixin:
    """Scenario 06's request logging around the view's whole dispatch (authentication
    included): one ring-buffer entry per request, appended before the response goes out."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        duration_ms = (time.perf_counter() - started) * 1000
        app_state().request_log.append(
            LogEntry(request.method, request.path, response.status_code, duration_ms)
        )
        return response


class ProtectedView(RequestLogMixin, ContractView, APIView):
    authentication_classes = [BearerAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request: Any) -> Response:
        return Response({"subject": request.user.subject, "logged": app_state().request_log.size})


class UploadView(ContractView, APIView):
    parser_classes = [MultiPartParser]
    body_media_type = "multipart/form-data"

    def initialize_request(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        # Before DRF parses: the file part goes to the hashing handler, nowhere else.
        self.digests = DigestUploadHandler(settings.LAB.upload_limit_bytes, request)
        request.upload_handlers = [self.digests]
        return super().initialize_request(request, *args, **kwargs)

    def post(self, request: Any) -> Response:
        # The form's one part is the file "file" (request.POST: the plain fields DRF parsed).
        rules.only_file_part(self.digests.file_parts, list(request.POST))
        file = request.FILES.get("file")
        if file is None:
            # The part began but the form did not end: Django's parser stops there quietly.
            raise ApiError("validation_failed", "malformed multipart body: the file part never ends")
        return Response(file.digest.result())
