"""Input rules of the contract, the same numbers and patterns as src/targets/shared/validation.ts
and src/data/http/db-routes.ts. FastAPI states them as Pydantic models, Django REST framework as
serializers; Flask validates with the parsers below. The conformance verifier checks that every
target ends up answering alike."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import ApiError

# ---- /users ------------------------------------------------------------------------------------
LIMIT = (1, 100, 20)  # min, max, default
OFFSET = (0, 10_000_000, 0)
USER_ID = (1, 2_147_483_647)
NAME_LENGTH = (1, 100)
EMAIL_MAX_LENGTH = 254
#: Pragmatic email check, the same as the Node targets'.
EMAIL_PATTERN = r"^[^\s@]+@[^\s@]+\.[^\s@]+$"

# ---- /db ---------------------------------------------------------------------------------------
DB_SIZE = (1, 100, 20)
#: ``skip`` and ``after``: integers 0–2^53−1.
DB_SKIP = (0, 2**53 - 1, 0)
PRODUCT_ID = (1, 2_147_483_647)
DECREMENT_QUANTITY = (1, 2_147_483_647)
BULK_ENTRIES = (1, 5000)
SKU_LENGTH = (1, 64)
ITEM_NAME_LENGTH = (1, 200)
QUANTITY = (0, 2_147_483_647)
#: numeric(10,2) as a decimal string: up to 8 integer digits, up to 2 decimals.
PRICE_PATTERN = r"^\d{1,8}(\.\d{1,2})?$"
#: The contract's ``Cursor``: base64url, 8–128 characters (what it decodes to is the layer's
#: business: invalid_cursor).
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{8,128}$"

COLUMN_SHAPES = ("narrow", "wide", "extra_wide", "wide_projected")
COLUMN_TYPES = ("int", "varchar", "text", "jsonb", "timestamp", "uuid")
LOAD_STRATEGIES = ("lazy", "eager", "select-in")
BULK_INSERT_STRATEGIES = ("individual", "orm-batch", "multi-values", "unnest", "copy")
BULK_UPDATE_STRATEGIES = ("individual", "bulk")
LOCK_STRATEGIES = ("none", "pessimistic", "optimistic", "serializable")

#: Strict decimal integer in a query or path: not '', '1.5', '1e3', ' 7', '+7', '0x10', '-'.
INTEGER_TEXT = re.compile(r"^-?[0-9]{1,16}$")
_EMAIL = re.compile(EMAIL_PATTERN)
_PRICE = re.compile(PRICE_PATTERN)
_CURSOR = re.compile(CURSOR_PATTERN)


def invalid(message: str) -> ApiError:
    return ApiError("validation_failed", message)


def strict_int(text: str, name: str, low: int, high: int) -> int:
    """The shared rule for integers in queries and paths; ApiError ``validation_failed`` else."""
    if not INTEGER_TEXT.match(text):
        raise invalid(f"{name} must be an integer")
    value = int(text)
    if not low <= value <= high:
        raise invalid(f"{name} must be between {low} and {high}")
    return value


def int_param(query: Any, name: str, rule: tuple[int, int, int]) -> int:
    """An optional integer query parameter (a ``Mapping`` of strings) with its default."""
    text = query.get(name)
    return rule[2] if text is None else strict_int(text, name, rule[0], rule[1])


def is_cursor(text: str) -> bool:
    return _CURSOR.fullmatch(text) is not None


def cursor_param(query: Any) -> str | None:
    """The optional ``cursor`` query parameter, in the contract's ``Cursor`` shape."""
    text = query.get("cursor")
    if text is not None and not is_cursor(text):
        raise invalid("cursor must be base64url of 8 to 128 characters")
    return text


def one_of(value: Any, name: str, valid: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in valid:
        raise invalid(f"{name} must be one of {', '.join(valid)}")
    return value


def is_int(value: Any) -> bool:
    """A JSON integer (bool is an int in Python, not in JSON)."""
    return isinstance(value, int) and not isinstance(value, bool)


def json_int(value: Any) -> Any:
    """A JSON number with no fractional part as the int it is (JSON Schema's ``integer``: 7.0 is
    7, as JSON.parse and the Node targets have it; Python's json makes it a float); anything else
    unchanged, for the integer check that follows to refuse."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def has_nul(value: str) -> bool:
    """PostgreSQL text cannot hold U+0000: the contract refuses such strings with 400 before any
    INSERT could fail with a 500."""
    return "\x00" in value


def refuse_nul(value: str) -> str:
    """A validator (Pydantic's AfterValidator) for strings stored in PostgreSQL."""
    if has_nul(value):
        raise ValueError("must not contain U+0000")
    return value


def _object(value: Any, what: str, keys: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(f"{what} must be a JSON object")
    unknown = [key for key in value if key not in keys]
    if unknown:
        raise invalid(f"{what}: unknown properties: {', '.join(unknown)}")
    return value


def _text(value: Any, where: str, length: tuple[int, int]) -> str:
    """A string stored in PostgreSQL: its length, and no U+0000."""
    if not isinstance(value, str) or not length[0] <= len(value) <= length[1] or has_nul(value):
        raise invalid(f"{where} must be a string of {length[0]} to {length[1]} characters without U+0000")
    return value


def _integer(value: Any, where: str, rule: tuple[int, int]) -> int:
    value = json_int(value)
    if not is_int(value) or not rule[0] <= value <= rule[1]:
        raise invalid(f"{where} must be an integer from {rule[0]} to {rule[1]}")
    return value


def _entries(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list) or not BULK_ENTRIES[0] <= len(value) <= BULK_ENTRIES[1]:
        raise invalid(f"{name} must be an array of {BULK_ENTRIES[0]} to {BULK_ENTRIES[1]} entries")
    return value


def is_email(value: str) -> bool:
    return len(value) <= EMAIL_MAX_LENGTH and _EMAIL.match(value) is not None


@dataclass(frozen=True, slots=True)
class NewUser:
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class NewBulkItem:
    sku: str
    name: str
    quantity: int
    price: str


@dataclass(frozen=True, slots=True)
class BulkUpdate:
    sku: str
    quantity: int


def parse_new_user(body: Any) -> NewUser:
    record = _object(body, "body", ("name", "email"))
    name = _text(record.get("name"), "name", NAME_LENGTH)
    email = record.get("email")
    if not isinstance(email, str) or not is_email(email) or has_nul(email):
        raise invalid("email must be a valid email address")
    return NewUser(name, email)


def parse_bulk_insert(body: Any) -> list[NewBulkItem]:
    """``{items: [{sku, name, quantity, price}]}``, 1–5000 items, nothing else."""
    items = _entries(_object(body, "body", ("items",)).get("items"), "items")
    parsed = []
    for index, raw in enumerate(items):
        where = f"items[{index}]"
        item = _object(raw, where, ("sku", "name", "quantity", "price"))
        price = item.get("price")
        if not isinstance(price, str) or not _PRICE.match(price):
            raise invalid(f'{where}.price must be a decimal string such as "12.50"')
        parsed.append(
            NewBulkItem(
                sku=_text(item.get("sku"), f"{where}.sku", SKU_LENGTH),
                name=_text(item.get("name"), f"{where}.name", ITEM_NAME_LENGTH),
                quantity=_integer(item.get("quantity"), f"{where}.quantity", QUANTITY),
                price=price,
            )
        )
    return parsed


def parse_bulk_update(body: Any) -> list[BulkUpdate]:
    """``{updates: [{sku, quantity}]}``, 1–5000 entries, nothing else."""
    updates = _entries(_object(body, "body", ("updates",)).get("updates"), "updates")
    parsed = []
    for index, raw in enumerate(updates):
        where = f"updates[{index}]"
        update = _object(raw, where, ("sku", "quantity"))
        parsed.append(
            BulkUpdate(
                sku=_text(update.get("sku"), f"{where}.sku", SKU_LENGTH),
                quantity=_integer(update.get("quantity"), f"{where}.quantity", QUANTITY),
            )
        )
    return parsed


def parse_decrement(body: Any) -> int:
    """``{quantity}``, an integer 1–2^31−1."""
    return _integer(_object(body, "body", ("quantity",)).get("quantity"), "quantity", DECREMENT_QUANTITY)


def only_file_part(files: list[str], fields: list[str], name: str = "file") -> None:
    """The upload form's one part is the file ``name`` (the contract's form has no other property):
    ``files`` and ``fields`` are the names of the file and the plain parts, repeats included."""
    if files == [name] and not fields:
        return
    if name in fields:
        raise invalid(f'multipart field "{name}" must be a file, not a plain form field')
    if name not in files:
        raise invalid(f'missing file field "{name}"')
    extra = [part for part in [*files, *fields] if part != name] or [name]
    raise invalid(f'unexpected multipart part "{extra[0]}": the form has one part, "{name}"')


def unsupported_strategy(strategy: str, layer: str, has: tuple[str, ...]) -> ApiError:
    """A bulk insert strategy the target's data layer lacks: 400 naming the layer."""
    return invalid(
        f"bulk insert strategy {strategy} is not implemented by the {layer} data layer "
        f"(it has: {', '.join(has)})"
    )


# ---- 14–19: the contract groups (src/data/http/{cache,auth,aggregate,search,flow}-routes.ts) --
CACHE_STRATEGIES = ("none", "aside", "miss")
WARM_FROM = (1, 2_147_483_647)
WARM_COUNT = (1, 10_000)
LOGIN_EMAIL_LENGTH = (1, 254)
LOGIN_PASSWORD_LENGTH = (1, 128)
AGGREGATE_STRATEGIES = ("raw", "builder", "reduce")
ORDERS_DIMENSIONS = ("country", "status")
TOP_AUTHORS_SIZE = (1, 100, 10)
SEARCH_STRATEGIES = ("ilike", "trigram", "fts")
#: ``q`` of ``GET /db/search``: ASCII letters and digits in words separated by single spaces, so
#: no LIKE wildcard or escape character can reach SQL.
SEARCH_TERM_LENGTH = (3, 64)
SEARCH_TERM_PATTERN = r"^[A-Za-z0-9]+( [A-Za-z0-9]+)*$"
POST_ID = (1, 2_147_483_647)
TITLE_LENGTH = (1, 200)

_SEARCH_TERM = re.compile(SEARCH_TERM_PATTERN)


def _plain_text(value: Any, where: str, length: tuple[int, int]) -> str:
    """A string that is never stored (a password): its length only."""
    if not isinstance(value, str) or not length[0] <= len(value) <= length[1]:
        raise invalid(f"{where} must be a string of {length[0]} to {length[1]} characters")
    return value


@dataclass(frozen=True, slots=True)
class Credentials:
    email: str
    password: str


def parse_rename(body: Any) -> str:
    """``{name}`` of ``PATCH /cache/users/{id}``: 1–100 characters, nothing else."""
    return _text(_object(body, "body", ("name",)).get("name"), "name", NAME_LENGTH)


def parse_warm(body: Any) -> tuple[int, int]:
    """``{from, count}`` of ``POST /cache/users/warm``."""
    record = _object(body, "body", ("from", "count"))
    return _integer(record.get("from"), "from", WARM_FROM), _integer(record.get("count"), "count", WARM_COUNT)


def parse_login(body: Any) -> Credentials:
    """``{email, password}`` of both logins (the email is only looked up, the password hashed)."""
    record = _object(body, "body", ("email", "password"))
    return Credentials(
        _plain_text(record.get("email"), "email", LOGIN_EMAIL_LENGTH),
        _plain_text(record.get("password"), "password", LOGIN_PASSWORD_LENGTH),
    )


def parse_retitle(body: Any) -> str:
    """``{title}`` of ``PATCH /flow/posts/{id}``: 1–200 characters, nothing else."""
    return _text(_object(body, "body", ("title",)).get("title"), "title", TITLE_LENGTH)


def is_search_term(value: Any) -> bool:
    return (
        isinstance(value, str)
        and SEARCH_TERM_LENGTH[0] <= len(value) <= SEARCH_TERM_LENGTH[1]
        and _SEARCH_TERM.match(value) is not None
    )


def search_term(value: Any) -> str:
    if not is_search_term(value):
        raise invalid("q must be 3–64 ASCII letters and digits, words separated by single spaces")
    return value
