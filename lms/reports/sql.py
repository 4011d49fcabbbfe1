"""Reading large querysets fast."""

import datetime

from django.db import connections


def raw_rows(qs, chunk: int = 20_000):
    """The rows of a values_list() queryset straight from the cursor: no converters (on SQLite dates come back
    as ISO text and sums as floats), no per-row iterator machinery. For hot paths over 100k+ rows only."""
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            yield from rows


def as_date(value) -> datetime.date | None:
    """A date column read by raw_rows (ISO text on SQLite, a date elsewhere)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value[:10])


def as_local_datetime(value, tz) -> datetime.datetime | None:
    """A datetime column read by raw_rows (UTC text on SQLite) as naive local time, to the second."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(tz).replace(tzinfo=None, microsecond=0)
