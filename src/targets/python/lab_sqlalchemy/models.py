"""Declarative mapping of the fixture tables (src/fixtures/sets), as SQLAlchemy 2 ORM classes.

Only what the contract reads or writes is mapped: an author's ``bio`` or a post's ``body`` are
never loaded, as the Node layers select only the columns they return. The column tables of
scenario 10 are mapped whole (their point is hydrating 5, 20 or 50 columns). The schema is the
fixtures'; nothing here creates tables.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeEngine

TIMESTAMPTZ = DateTime(timezone=True)


class Base(AsyncAttrs, DeclarativeBase):
    """AsyncAttrs: ``await author.awaitable_attrs.posts`` lazy-loads under asyncio (the lazy
    strategy of scenario 11); synchronous sessions simply read ``author.posts``."""


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(255), unique=True)
    country: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    age: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(TIMESTAMPTZ)


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    author_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("authors.id"))
    title: Mapped[str] = mapped_column(String(200))
    view_count: Mapped[int] = mapped_column(Integer)


class Author(Base):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # Lazy ("select") by default: loaded per author when touched; the eager and select-in
    # strategies override it per query with joinedload / selectinload.
    posts: Mapped[list[Post]] = relationship(order_by=Post.id)


class BulkItem(Base):
    __tablename__ = "bulk_items"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    # Defaulted by the table (now()): never sent by an INSERT, set explicitly by UPDATEs.
    updated_at: Mapped[datetime] = mapped_column(TIMESTAMPTZ, server_default="now()")


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    stock: Mapped[int] = mapped_column(Integer)
    # A plain column, not SQLAlchemy's version_id_col: that would version every UPDATE, and the
    # `none` strategy must be able to lose updates. The optimistic strategy checks it itself.
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(TIMESTAMPTZ)


# ---- scenario 10: tables of 5, 20 and 50 columns, and one table per column type -------------

NARROW: list[tuple[str, TypeEngine[Any]]] = [
    ("name", String(100)),
    ("email", String(255)),
    ("age", Integer()),
    ("created_at", TIMESTAMPTZ),
]
WIDE: list[tuple[str, TypeEngine[Any]]] = [
    *NARROW,
    ("country", Text()),
    ("status", Text()),
    ("city", Text()),
    ("phone", Text()),
    ("bio", Text()),
    ("score", Integer()),
    ("balance", Numeric(12, 2)),
    ("is_verified", Boolean()),
    ("last_login_at", TIMESTAMPTZ),
    ("signup_source", Text()),
    ("locale", Text()),
    ("timezone", Text()),
    ("birth_date", Date()),
    ("updated_at", TIMESTAMPTZ),
    ("login_count", Integer()),
]
#: The kinds the 30 attr_NN columns of users_extra_wide cycle through (fixtures/sets/columns.ts).
_ATTRIBUTE_KINDS: list[TypeEngine[Any]] = [
    Integer(),
    Text(),
    Numeric(10, 2),
    Boolean(),
    TIMESTAMPTZ,
    String(32),
]
EXTRA_WIDE: list[tuple[str, TypeEngine[Any]]] = [
    *WIDE,
    *((f"attr_{i + 1:02d}", _ATTRIBUTE_KINDS[i % len(_ATTRIBUTE_KINDS)]) for i in range(30)),
]
_TYPE_OF: dict[str, TypeEngine[Any]] = {
    "int": Integer(),
    "varchar": String(64),
    "text": Text(),
    "jsonb": JSONB(),
    "timestamp": TIMESTAMPTZ,
    "uuid": Uuid(),
}


def _column_model(class_name: str, table: str, columns: list[tuple[str, TypeEngine[Any]]]) -> type[Base]:
    """A mapped class for a generated table: ``id`` plus ``columns``, attribute = column name."""
    attributes: dict[str, Any] = {
        "__tablename__": table,
        "id": mapped_column(BigInteger, primary_key=True),
    }
    attributes.update({name: mapped_column(type_) for name, type_ in columns})
    return type(class_name, (Base,), attributes)


UsersNarrow = _column_model("UsersNarrow", "users_narrow", NARROW)
UsersWide = _column_model("UsersWide", "users_wide", WIDE)
UsersExtraWide = _column_model("UsersExtraWide", "users_extra_wide", EXTRA_WIDE)
TYPE_MODELS: dict[str, type[Base]] = {
    kind: _column_model(
        f"UsersType{kind.capitalize()}",
        f"users_type_{kind}",
        [(f"v{i:02d}", type_) for i in range(1, 11)],
    )
    for kind, type_ in _TYPE_OF.items()
}
#: Shape → (mapped class, the column names read: None = all of them).
SHAPES: dict[str, tuple[type[Base], tuple[str, ...] | None]] = {
    "narrow": (UsersNarrow, None),
    "wide": (UsersWide, None),
    "extra_wide": (UsersExtraWide, None),
    # 5 columns projected out of users_wide: the narrow table's columns.
    "wide_projected": (UsersWide, ("id", *(name for name, _ in NARROW))),
}

__all__ = [
    "SHAPES",
    "TYPE_MODELS",
    "Author",
    "Base",
    "BulkItem",
    "Post",
    "Product",
    "User",
]
