"""DRF serializers: the contract's bodies and query parameters in, its JSON out."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.db import models as django_models
from django.db.models.functions import Now
from rest_framework import serializers

from lab_contract import rules

from . import models
from .fields import (
    IsoMillisDateTimeField,
    JsonCharField,
    JsonIntegerField,
    QueryCursorField,
    QueryIntegerField,
)


class StrictSerializer(serializers.Serializer):
    """Refuses properties it does not declare (DRF ignores them by default)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and (unknown := sorted(set(data) - set(self.fields))):
            raise serializers.ValidationError(
                {"non_field_errors": [f"unknown properties: {', '.join(unknown)}"]}
            )
        return super().to_internal_value(data)


# ---- users ---------------------------------------------------------------------------------


class UserSerializer(serializers.ModelSerializer):
    createdAt = IsoMillisDateTimeField(source="created_at")

    class Meta:
        model = models.User
        fields = ["id", "name", "email", "createdAt"]


class NewUserSerializer(StrictSerializer, serializers.ModelSerializer):
    name = JsonCharField(min_length=rules.NAME_LENGTH[0], max_length=rules.NAME_LENGTH[1])
    email = JsonCharField(
        max_length=rules.EMAIL_MAX_LENGTH, validators=[RegexValidator(rules.EMAIL_PATTERN, "a valid email")]
    )

    class Meta:
        model = models.User
        fields = ["name", "email"]

    def create(self, validated_data: dict[str, Any]) -> models.User:
        # The contract's literal values and the database's clock, in one INSERT … RETURNING.
        return models.User.objects.create(
            **validated_data, country="US", status="active", age=30, created_at=Now()
        )


class UsersPageQuery(serializers.Serializer):
    limit = QueryIntegerField(min_value=rules.LIMIT[0], max_value=rules.LIMIT[1], default=rules.LIMIT[2])
    offset = QueryIntegerField(min_value=rules.OFFSET[0], max_value=rules.OFFSET[1], default=rules.OFFSET[2])


class UserIdField(serializers.Serializer):
    id = QueryIntegerField(min_value=rules.USER_ID[0], max_value=rules.USER_ID[1])


# ---- /db: query parameters ----------------------------------------------------------------


def _size() -> QueryIntegerField:
    return QueryIntegerField(min_value=rules.DB_SIZE[0], max_value=rules.DB_SIZE[1], default=rules.DB_SIZE[2])


def _skip() -> QueryIntegerField:
    return QueryIntegerField(min_value=rules.DB_SKIP[0], max_value=rules.DB_SKIP[1], default=rules.DB_SKIP[2])


class OffsetQuery(serializers.Serializer):
    skip = _skip()
    size = _size()


class KeysetQuery(serializers.Serializer):
    after = _skip()
    size = _size()


class CursorQuery(serializers.Serializer):
    size = _size()
    cursor = QueryCursorField(required=False)


class AuthorsQuery(OffsetQuery):
    strategy = serializers.ChoiceField(choices=rules.LOAD_STRATEGIES)


def strategy_query(choices: tuple[str, ...]) -> type[serializers.Serializer]:
    return type(
        "StrategyQuery", (serializers.Serializer,), {"strategy": serializers.ChoiceField(choices=choices)}
    )


class ProductIdField(serializers.Serializer):
    id = QueryIntegerField(min_value=rules.PRODUCT_ID[0], max_value=rules.PRODUCT_ID[1])


# ---- /db: bodies and rows -------------------------------------------------------------------


def _quantity() -> JsonIntegerField:
    return JsonIntegerField(min_value=rules.QUANTITY[0], max_value=rules.QUANTITY[1])


def _sku() -> JsonCharField:
    return JsonCharField(
        min_length=rules.SKU_LENGTH[0], max_length=rules.SKU_LENGTH[1], trim_whitespace=False
    )


class NewBulkItemSerializer(StrictSerializer):
    sku = _sku()
    name = JsonCharField(
        min_length=rules.ITEM_NAME_LENGTH[0], max_length=rules.ITEM_NAME_LENGTH[1], trim_whitespace=False
    )
    quantity = _quantity()
    price = JsonCharField(validators=[RegexValidator(rules.PRICE_PATTERN, "a decimal string such as 12.50")])


class BulkInsertSerializer(StrictSerializer):
    items = NewBulkItemSerializer(
        many=True, min_length=rules.BULK_ENTRIES[0], max_length=rules.BULK_ENTRIES[1]
    )


class QuantityUpdateSerializer(StrictSerializer):
    sku = _sku()
    quantity = _quantity()


class BulkUpdateSerializer(StrictSerializer):
    updates = QuantityUpdateSerializer(
        many=True, min_length=rules.BULK_ENTRIES[0], max_length=rules.BULK_ENTRIES[1]
    )


class DecrementSerializer(StrictSerializer):
    quantity = JsonIntegerField(min_value=rules.DECREMENT_QUANTITY[0], max_value=rules.DECREMENT_QUANTITY[1])


class PostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    viewCount = serializers.IntegerField(source="view_count")


class AuthorSerializer(serializers.Serializer):
    """An author with its posts. On a model instance ``posts`` is the related manager: each
    author's posts load when serialized (lazy, 1 + N) unless prefetched (select-in, 2)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    posts = PostSerializer(many=True)


class RowSerializer(serializers.ModelSerializer):
    """A row of a column table keyed by column name, values as the contract has them: numeric as
    PostgreSQL prints it, timestamps with milliseconds, dates, uuids and jsonb as they are."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        django_models.DateTimeField: IsoMillisDateTimeField,
    }


def row_serializer(model: type[django_models.Model], fields: tuple[str, ...] | None) -> type[RowSerializer]:
    meta = type("Meta", (), {"model": model, "fields": list(fields) if fields else "__all__"})
    return type(f"{model.__name__}Serializer", (RowSerializer,), {"Meta": meta})


ROW_SERIALIZERS = {shape: row_serializer(model, fields) for shape, (model, fields) in models.SHAPES.items()}
TYPE_SERIALIZERS = {kind: row_serializer(model, None) for kind, model in models.TYPE_MODELS.items()}


# ---- 14–19: the contract groups -------------------------------------------------------------


def _text(length: tuple[int, int]) -> JsonCharField:
    # As sent: DRF would trim whitespace (and refuses U+0000, which PostgreSQL text cannot hold).
    return JsonCharField(min_length=length[0], max_length=length[1], trim_whitespace=False)


class UserRenameSerializer(StrictSerializer):
    name = _text(rules.NAME_LENGTH)


#: ``{from, count}``: ``from`` is a Python keyword, so the class is built with its fields.
CacheWarmSerializer = type(
    "CacheWarmSerializer",
    (StrictSerializer,),
    {
        "from": JsonIntegerField(min_value=rules.WARM_FROM[0], max_value=rules.WARM_FROM[1]),
        "count": JsonIntegerField(min_value=rules.WARM_COUNT[0], max_value=rules.WARM_COUNT[1]),
    },
)


class LoginSerializer(StrictSerializer):
    email = _text(rules.LOGIN_EMAIL_LENGTH)
    password = _text(rules.LOGIN_PASSWORD_LENGTH)


class RetitleSerializer(StrictSerializer):
    title = _text(rules.TITLE_LENGTH)


class TopAuthorsQuery(serializers.Serializer):
    strategy = serializers.ChoiceField(choices=rules.AGGREGATE_STRATEGIES)
    size = QueryIntegerField(
        min_value=rules.TOP_AUTHORS_SIZE[0],
        max_value=rules.TOP_AUTHORS_SIZE[1],
        default=rules.TOP_AUTHORS_SIZE[2],
    )


class SearchQuery(serializers.Serializer):
    q = serializers.CharField(
        min_length=rules.SEARCH_TERM_LENGTH[0],
        max_length=rules.SEARCH_TERM_LENGTH[1],
        trim_whitespace=False,
        validators=[RegexValidator(rules.SEARCH_TERM_PATTERN, "ASCII letters and digits, single spaces")],
    )
    strategy = serializers.ChoiceField(choices=rules.SEARCH_STRATEGIES)
    size = _size()


class PostIdField(serializers.Serializer):
    id = QueryIntegerField(min_value=rules.POST_ID[0], max_value=rules.POST_ID[1])


class PostSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    viewCount = serializers.IntegerField(source="view_count")


class AuthorPostSerializer(serializers.ModelSerializer):
    authorId = serializers.IntegerField(source="author_id")
    viewCount = serializers.IntegerField(source="view_count")

    class Meta:
        model = models.AuthorPost
        fields = ["id", "authorId", "title", "body", "viewCount"]


class SearchHitSerializer(serializers.ModelSerializer):
    createdAt = IsoMillisDateTimeField(source="created_at")

    class Meta:
        model = models.Document
        fields = ["id", "title", "createdAt"]
