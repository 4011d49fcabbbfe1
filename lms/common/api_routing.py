"""Routes whose ids are numbers a database can hold: anything else is a 404, never an overflow."""

from django.urls import register_converter
from rest_framework.routers import SimpleRouter

# 18 digits stay below 2**63 - 1, the largest id of PostgreSQL's bigint and SQLite's INTEGER.
ID_PATTERN = "[0-9]{1,18}"


class IdConverter:
    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")


class ApiRouter(SimpleRouter):
    """A SimpleRouter whose detail routes take only ids (a viewset may still set its own lookup_value_regex)."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_field = getattr(viewset, "lookup_field", "pk")
        kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        value = getattr(viewset, "lookup_value_regex", None) or (
            ID_PATTERN if lookup_field in ("pk", "id") else "[^/.]+")
        return f"(?P<{lookup_prefix}{kwarg}>{value})"
