"""Segment queries shared by the two database engines (SQLite FTS5 and PostgreSQL tsvector).

Both keep one row per segment keyed by ``talk_id << 20 | index``; they differ only in the table, the key
column, the predicate that matches a compiled expression and the expression compiler.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from search.models import SEGMENT_BITS, talk_key_range

from .base import SegmentIndexBackend, keys_by_talk


class SQLSegmentBackend(SegmentIndexBackend):
    """Engines are cached once per process (search.backends.get_backend) and shared by every thread of a
    server, so they keep only the database alias: each use takes the calling thread's connection."""

    vendor = ""
    segment_table = ""
    key_column = ""
    match_predicate = ""  # SQL with one %s for the compiled expression
    order_by_key = ""  # " ORDER BY <key>" where the index does not return keys in order

    def __init__(self, using: str = "default"):
        self.using = using
        if self.connection.vendor != self.vendor:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a {self.vendor} database.")

    @property
    def connection(self):
        return connections[self.using]

    def compile(self, expr) -> str:
        raise NotImplementedError

    def _fetch(self, sql: str, params: list) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def match_segments(self, expr, *, talk_id: int | None = None, limit: int = 1000) -> list[int]:
        if expr is None:
            return []
        key = self.key_column
        sql = f"SELECT {key} FROM {self.segment_table} WHERE {self.match_predicate}"
        params: list = [self.compile(expr)]
        if talk_id is not None:
            sql += f" AND {key} BETWEEN %s AND %s"
            params.extend(talk_key_range(talk_id))
        return [row[0] for row in self._fetch(f"{sql}{self.order_by_key} LIMIT %s", [*params, int(limit)])]

    def count_segments_by_talk(self, expr, *, limit: int = 20_000) -> dict[int, int]:
        if expr is None:
            return {}
        # Grouped where the index lives: a common pronunciation matches thousands of segments, and
        # moving each key into Python would cost more than finding them.
        key = self.key_column
        rows = self._fetch(
            f"SELECT {key} >> {SEGMENT_BITS}, COUNT(*) FROM (SELECT {key} FROM {self.segment_table} "
            f"WHERE {self.match_predicate}{self.order_by_key} LIMIT %s) AS hits GROUP BY 1",
            [self.compile(expr), int(limit)],
        )
        return {int(talk): n for talk, n in rows}

    def match_segments_of_talks(self, expr, talk_ids, *, per_talk: int = 10) -> dict[int, list[int]]:
        talk_ids = [int(t) for t in dict.fromkeys(talk_ids)]
        if expr is None or not talk_ids:
            return {}
        return keys_by_talk(row[0] for row in self._fetch(*self._first_matches_sql(expr, talk_ids, per_talk)))

    def _first_matches_sql(self, expr, talk_ids: list[int], per_talk: int) -> tuple[str, list]:
        """One pass over all the matches, keeping each talk's first ``per_talk``."""
        key = self.key_column
        sql = (f"SELECT {key} FROM (SELECT {key}, ROW_NUMBER() OVER (PARTITION BY {key} >> {SEGMENT_BITS} "
               f"ORDER BY {key}) AS n FROM {self.segment_table} WHERE {self.match_predicate} "
               f"AND ({key} >> {SEGMENT_BITS}) IN ({', '.join(['%s'] * len(talk_ids))})) AS hits "
               f"WHERE n <= %s ORDER BY {key}")
        return sql, [self.compile(expr), *talk_ids, int(per_talk)]
