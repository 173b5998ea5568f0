"""Entities and value objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    email: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewUser:
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class PagePosition:
    """Where a page in (created_at, id) order ends: the next page starts after it."""

    created_at: datetime
    id: int


@dataclass(frozen=True, slots=True)
class UserPage:
    items: list[User]
    #: Set when more rows follow (cursor pagination).
    next: PagePosition | None = None


@dataclass(frozen=True, slots=True)
class Post:
    id: int
    title: str
    view_count: int


@dataclass(frozen=True, slots=True)
class Author:
    id: int
    name: str
    posts: tuple[Post, ...]


#: One row of a column table (scenario 10), keyed by column name.
Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class NewBulkItem:
    sku: str
    name: str
    quantity: int
    price: Decimal


@dataclass(frozen=True, slots=True)
class QuantityUpdate:
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class FileDigest:
    size: int
    sha256: str


class ColumnShape(StrEnum):
    NARROW = "narrow"
    WIDE = "wide"
    EXTRA_WIDE = "extra_wide"
    WIDE_PROJECTED = "wide_projected"


class ColumnType(StrEnum):
    INT = "int"
    VARCHAR = "varchar"
    TEXT = "text"
    JSONB = "jsonb"
    TIMESTAMP = "timestamp"
    UUID = "uuid"


class LoadStrategy(StrEnum):
    LAZY = "lazy"
    EAGER = "eager"
    SELECT_IN = "select-in"


class BulkInsertStrategy(StrEnum):
    INDIVIDUAL = "individual"
    ORM_BATCH = "orm-batch"
    MULTI_VALUES = "multi-values"
    UNNEST = "unnest"
    COPY = "copy"


class BulkUpdateStrategy(StrEnum):
    INDIVIDUAL = "individual"
    BULK = "bulk"


class LockStrategy(StrEnum):
    NONE = "none"
    PESSIMISTIC = "pessimistic"
    OPTIMISTIC = "optimistic"
    SERIALIZABLE = "serializable"


# ---- 14–19: the contract groups -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request is on behalf of: an author (its id as a string) and its email."""

    subject: str
    email: str

    @property
    def author_id(self) -> int:
        return int(self.subject)


@dataclass(frozen=True, slots=True)
class Account:
    """An author as an account: its email and password hash."""

    id: int
    email: str
    password_hash: str


@dataclass(frozen=True, slots=True)
class Credentials:
    email: str
    password: str


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_in: int


@dataclass(frozen=True, slots=True)
class CacheInfo:
    client: str
    connections: int
    ttl_seconds: int


@dataclass(frozen=True, slots=True)
class PostSummary:
    id: int
    title: str
    view_count: int


@dataclass(frozen=True, slots=True)
class AuthorPost:
    id: int
    author_id: int
    title: str
    body: str
    view_count: int


@dataclass(frozen=True, slots=True)
class GroupStats:
    key: str
    orders: int
    quantity: int
    revenue: Decimal
    avg_amount: Decimal


@dataclass(frozen=True, slots=True)
class AuthorRevenue:
    author_id: int
    name: str
    orders: int
    revenue: Decimal
    avg_amount: Decimal


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: int
    title: str
    created_at: datetime


class CacheStrategy(StrEnum):
    NONE = "none"
    ASIDE = "aside"
    MISS = "miss"


class AggregateStrategy(StrEnum):
    RAW = "raw"
    BUILDER = "builder"
    REDUCE = "reduce"


class OrdersDimension(StrEnum):
    COUNTRY = "country"
    STATUS = "status"


class SearchStrategy(StrEnum):
    ILIKE = "ilike"
    TRIGRAM = "trigram"
    FTS = "fts"
