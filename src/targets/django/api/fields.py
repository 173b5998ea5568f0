"""Serializer fields with the contract's strictness. DRF's own fields coerce: an IntegerField
takes "1", a CharField takes 42, and an empty query parameter falls back to the default; the
contract refuses all of these, in every target alike. (DRF's CharField refuses U+0000 already,
which PostgreSQL text cannot hold.)"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.fields import empty

from lab_contract import rules
from lab_contract.cursor import iso_ms


class JsonIntegerField(serializers.IntegerField):
    """A JSON integer (7.0 is one, as in JSON Schema): not a string, a boolean or 7.5."""

    def to_internal_value(self, data: Any) -> int:
        data = rules.json_int(data)
        if not rules.is_int(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class JsonCharField(serializers.CharField):
    """A JSON string: not a number."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class QueryIntegerField(serializers.IntegerField):
    """An integer in a query string or path: strict decimal text; present but empty is invalid."""

    def get_value(self, dictionary: Any) -> Any:
        return dictionary.get(self.field_name, empty)

    def to_internal_value(self, data: Any) -> int:
        if not isinstance(data, str) or not rules.INTEGER_TEXT.match(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class QueryCursorField(serializers.CharField):
    """The ``cursor`` query parameter in the contract's Cursor shape (base64url, 8–128
    characters); present but empty is invalid. What it decodes to is the view's question (400
    invalid_cursor)."""

    default_error_messages = {"invalid": "must be base64url of 8 to 128 characters"}

    def get_value(self, dictionary: Any) -> Any:
        return dictionary.get(self.field_name, empty)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str) or not rules.is_cursor(data):
            self.fail("invalid")
        return data


class IsoMillisDateTimeField(serializers.DateTimeField):
    """RFC 3339 in UTC with milliseconds, as every target writes timestamps."""

    def to_representation(self, value: Any) -> str:
        return iso_ms(value)
