"""Serializer fields with the contract's strictness. DRF's own fields coerce: an IntegerField
takes "1" and 1.0, a CharField takes 42, and an empty query parameter falls back to the default;
the contract refuses all of these, in every target alike."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.fields import empty

from lab_contract import rules
from lab_contract.cursor import iso_ms


class JsonIntegerField(serializers.IntegerField):
    """A JSON integer: not a string, a float or a boolean."""

    def to_internal_value(self, data: Any) -> int:
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


class IsoMillisDateTimeField(serializers.DateTimeField):
    """RFC 3339 in UTC with milliseconds, as every target writes timestamps."""

    def to_representation(self, value: Any) -> str:
        return iso_ms(value)
