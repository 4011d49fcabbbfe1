"""One JSON error shape for the whole API: {"error": message, "code": ..., "fields": {...}}."""

from django.db import DataError
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler


def _first_message(detail) -> str:
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    if isinstance(detail, dict) and detail:
        key, value = next(iter(detail.items()))
        msg = _first_message(value)
        return msg if key in ("non_field_errors", "detail", "error") else f"{key}: {msg}"
    return str(detail)


def json_exception_handler(exc, context):
    if isinstance(exc, OverflowError | DataError):
        # A number or text the database cannot hold (an id beyond 64 bits in a filter, say): the input is
        # wrong, not the server. Routes and serializers bound their ids; this is the net under them.
        exc = exceptions.ValidationError(_("A value is out of range."), code="out_of_range")
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    body = {"error": _first_message(data), "status": response.status_code}
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        body["code"] = codes if isinstance(codes, str) else "invalid"
    if isinstance(exc, exceptions.ValidationError) and isinstance(data, dict):
        body["fields"] = data
    response.data = body
    return response
