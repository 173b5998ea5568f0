"""The fixture tables (src/fixtures/sets) as unmanaged Django models: the schema is the lab's,
Django never migrates it. Attribute names are the column names, so ``.values()`` rows are keyed
as the contract wants."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now


class User(models.Model):
    id = models.BigAutoField(primary_key=True)
    name = models.CharField(max_length=100)
    email = models.CharField(max_length=255, unique=True)
    country = models.TextField()
    status = models.TextField()
    age = models.IntegerField()
    # The database's clock. db_default makes Django read it back in the INSERT's RETURNING; the
    # fixture's table has no default, so creating a user passes Now() explicitly.
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        managed = False
        db_table = "users"


class Author(models.Model):
    id = models.BigAutoField(primary_key=True)
    name = models.CharField(max_length=100)

    class Meta:
        managed = False
        db_table = "authors"


class Post(models.Model):
    id = models.BigAutoField(primary_key=True)
    # No constraint in the fixture's schema; the relation is Django's.
    author = models.ForeignKey(Author, models.DO_NOTHING, related_name="posts", db_constraint=False)
    title = models.CharField(max_length=200)
    view_count = models.IntegerField()

    class Meta:
        managed = False
        db_table = "posts"
        ordering = ["id"]


class BulkItem(models.Model):
    id = models.BigAutoField(primary_key=True)
    sku = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    quantity = models.IntegerField()
    price = models.DecimalField(max_digits=10, decimal_places=2)
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        managed = False
        db_table = "bulk_items"


class Product(models.Model):
    id = models.BigAutoField(primary_key=True)
    name = models.CharField(max_length=100)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    stock = models.IntegerField()
    version = models.IntegerField()
    updated_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "products"


# ---- scenario 10: tables of 5, 20 and 50 columns, and one table per column type -------------

NARROW = {
    "name": lambda: models.CharField(max_length=100),
    "email": lambda: models.CharField(max_length=255),
    "age": models.IntegerField,
    "created_at": models.DateTimeField,
}
WIDE = {
    **NARROW,
    "country": models.TextField,
    "status": models.TextField,
    "city": models.TextField,
    "phone": models.TextField,
    "bio": models.TextField,
    "score": models.IntegerField,
    "balance": lambda: models.DecimalField(max_digits=12, decimal_places=2),
    "is_verified": models.BooleanField,
    "last_login_at": models.DateTimeField,
    "signup_source": models.TextField,
    "locale": models.TextField,
    "timezone": models.TextField,
    "birth_date": models.DateField,
    "updated_at": models.DateTimeField,
    "login_count": models.IntegerField,
}
#: The kinds the 30 attr_NN columns of users_extra_wide cycle through (fixtures/sets/columns.ts).
_ATTRIBUTE_KINDS = [
    models.IntegerField,
    models.TextField,
    lambda: models.DecimalField(max_digits=10, decimal_places=2),
    models.BooleanField,
    models.DateTimeField,
    lambda: models.CharField(max_length=32),
]
EXTRA_WIDE = {**WIDE, **{f"attr_{i + 1:02d}": _ATTRIBUTE_KINDS[i % 6] for i in range(30)}}
_TYPE_OF = {
    "int": models.IntegerField,
    "varchar": lambda: models.CharField(max_length=64),
    "text": models.TextField,
    "jsonb": models.JSONField,
    "timestamp": models.DateTimeField,
    "uuid": models.UUIDField,
}


def _column_model(name: str, table: str, columns: dict) -> type[models.Model]:
    """An unmanaged model of a generated table: ``id`` plus ``columns`` (name → field factory)."""
    meta = type("Meta", (), {"managed": False, "db_table": table})
    fields = {column: field() for column, field in columns.items()}
    attributes = {"__module__": __name__, "Meta": meta, "id": models.BigAutoField(primary_key=True), **fields}
    return type(name, (models.Model,), attributes)


UsersNarrow = _column_model("UsersNarrow", "users_narrow", NARROW)
UsersWide = _column_model("UsersWide", "users_wide", WIDE)
UsersExtraWide = _column_model("UsersExtraWide", "users_extra_wide", EXTRA_WIDE)
TYPE_MODELS = {
    kind: _column_model(
        f"UsersType{kind.capitalize()}", f"users_type_{kind}", {f"v{i:02d}": f for i in range(1, 11)}
    )
    for kind, f in _TYPE_OF.items()
}
#: Shape → (model, the columns read: None = all of them).
SHAPES = {
    "narrow": (UsersNarrow, None),
    "wide": (UsersWide, None),
    "extra_wide": (UsersExtraWide, None),
    # 5 columns projected out of users_wide: the narrow table's columns.
    "wide_projected": (UsersWide, ("id", *NARROW)),
}
