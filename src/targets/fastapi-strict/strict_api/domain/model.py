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
