"""The data standard's vocabulary: its version, value types and the field lists every entity declares.

docs/data-standard.md is the published text; this module is what the exporter writes and the importer checks,
so the two cannot drift: a type named there is a parser here.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# MAJOR.MINOR: a reader accepts any MINOR of its MAJOR (new optional fields or files); a new MAJOR breaks.
VERSION = "1.0"
MAJOR = VERSION.split(".")[0]
FORMAT = "lms-data-standard"

DECIMAL = re.compile(r"^-?\d{1,6}(\.\d{1,2})?$")

# The value types of docs/data-standard.md.
STRING, TEXT, INTEGER, DECIMAL_HOURS, NUMBER, BOOLEAN = "string", "text", "integer", "decimal", "number", "boolean"
DATE, DATETIME, UUID, ENUM, REF, CODES, JSON = "date", "datetime", "uuid", "enum", "ref", "codes", "json"


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool = True  # present and not null
    max_length: int | None = None
    codes: Callable[[object], Iterable[str]] | None = None  # enum / codes: the allowed values (given the import)
    ref: str | None = None  # ref: the entity whose id this names
    export_only: bool = False  # informational: written, never applied


class Invalid(ValueError):
    """One field of one line is wrong; ``reason`` is shown to the user with the file, line and field."""


def _string(field: Field, value):
    if not isinstance(value, str):
        raise Invalid(_("must be a text string"))
    if field.required and not value.strip():
        raise Invalid(_("must not be empty"))
    if field.max_length and len(value) > field.max_length:
        raise Invalid(_("longer than %(n)d characters") % {"n": field.max_length})
    return value


def _integer(field: Field, value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(_("must be a whole number"))
    if value < 0 or value > 2**31 - 1:
        raise Invalid(_("out of range"))
    return value


def _decimal(field: Field, value):
    if not isinstance(value, str) or not DECIMAL.match(value):
        raise Invalid(_("must be a decimal number written as text, e.g. \"2.5\""))
    try:
        return Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already guarantees it
        raise Invalid(_("must be a decimal number")) from exc


def _number(field: Field, value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(_("must be a number"))
    if value < 0 or value > 10**9:
        raise Invalid(_("out of range"))
    return float(value)


def _boolean(field: Field, value):
    if not isinstance(value, bool):
        raise Invalid(_("must be true or false"))
    return value


def _date(field: Field, value):
    if not isinstance(value, str):
        raise Invalid(_("must be a date YYYY-MM-DD"))
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(_("must be a date YYYY-MM-DD")) from exc


def _datetime(field: Field, value):
    if not isinstance(value, str) or "T" not in value:
        raise Invalid(_("must be an ISO 8601 date and time with a zone, e.g. 2026-03-01T09:00:00+08:00"))
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(_("must be an ISO 8601 date and time with a zone, e.g. 2026-03-01T09:00:00+08:00")) from exc
    if parsed.tzinfo is None:
        raise Invalid(_("has no time zone (add +08:00 or Z)"))
    return parsed


def _uuid(field: Field, value):
    try:
        return str(uuid.UUID(value))
    except (TypeError, ValueError, AttributeError) as exc:
        raise Invalid(_("must be a UUID")) from exc


def _enum(field: Field, value, ctx=None):
    _string(field, value)
    if value not in set(field.codes(ctx)):
        raise Invalid(_("%(v)s is not in the code list") % {"v": value})
    return value


def _codes(field: Field, value, ctx=None):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid(_("must be a list of codes"))
    allowed = set(field.codes(ctx))
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise Invalid(_("unknown code(s): %(codes)s") % {"codes": ", ".join(unknown)})
    if len(set(value)) != len(value):
        raise Invalid(_("a code is repeated"))
    return value


def _ref(field: Field, value):
    return _string(field, value)


def _json(field: Field, value):
    if not isinstance(value, dict | list):
        raise Invalid(_("must be a JSON object or list"))
    return value


PARSERS = {STRING: _string, TEXT: _string, INTEGER: _integer, DECIMAL_HOURS: _decimal, NUMBER: _number,
           BOOLEAN: _boolean, DATE: _date, DATETIME: _datetime, UUID: _uuid, ENUM: _enum, REF: _ref,
           CODES: _codes, JSON: _json}


def parse_value(field: Field, value, ctx=None):
    """The Python value of ``value`` (JSON) for ``field``; None for an absent optional field."""
    if value is None or (value == "" and field.type not in (STRING, TEXT)):
        if field.required:
            raise Invalid(_("is required"))
        return None
    if value == "" and not field.required:
        return ""
    if field.type in (ENUM, CODES):
        return PARSERS[field.type](field, value, ctx)
    return PARSERS[field.type](field, value)


def write_decimal(value) -> str | None:
    # "2.5", "20", "-1.25": exact, no exponent, no trailing zeros.
    return None if value is None else format(Decimal(value).quantize(Decimal("0.01")).normalize(), "f")


def write_datetime(value: datetime.datetime | None) -> str | None:
    from django.utils import timezone

    return None if value is None else timezone.localtime(value).isoformat()


def write_date(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()
