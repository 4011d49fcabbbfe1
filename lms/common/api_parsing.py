"""Request bodies the API accepts: JSON a database can store, nested no deeper than real data is."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.metadata import SimpleMetadata
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def check_json(value, depth: int = 0) -> None:
    """Reject nesting deeper than MAX_DEPTH and strings with lone surrogates (JSON allows "\\ud800", UTF-8
    and every database refuse it)."""
    if depth > MAX_DEPTH:
        raise ParseError(_("The JSON document is nested too deeply."))
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ParseError(_("The JSON document contains text that is not valid Unicode.")) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            check_json(key, depth + 1)
            check_json(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_json(item, depth + 1)


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON document is nested too deeply.")) from None
        check_json(data)
        return data


class ApiMetadata(SimpleMetadata):
    """OPTIONS without the object check on list routes: DRF's would call get_object() on a route that has
    no id (e.g. /notifications/preferences/) and fail."""

    def determine_actions(self, request, view):
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
        if lookup and lookup not in getattr(view, "kwargs", {}):
            view.get_object = lambda: None  # this one view instance answers only this OPTIONS request
        return super().determine_actions(request, view)
