"""Embedded default on SQLite: FTS5 tables created by migration 0001 (see search.backends.ddl)."""

from __future__ import annotations

from functools import lru_cache

from django.db import DatabaseError

from search.models import talk_key_range

from .base import And, AndNot, Or, Prefix, TalkDoc, Tok, walk
from .sql import SQLSegmentBackend

# bm25 weights of the talk table's columns: title, speaker, body.
TALK_WEIGHTS = (10.0, 5.0, 1.0)
# Above this many matching talks, bm25 is skipped (it reads every match's positions); ties are then
# broken by title match, type and recency.
RANK_AT_MOST = 300


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


@lru_cache(maxsize=4096)
def compile_fts5(expr) -> str:
    if isinstance(expr, Tok):
        return _quote(expr.token)
    if isinstance(expr, Prefix):
        return _quote(expr.token) + "*"
    if isinstance(expr, And):
        return "(" + " AND ".join(compile_fts5(i) for i in expr.items) + ")"
    if isinstance(expr, Or):
        return "(" + " OR ".join(compile_fts5(i) for i in expr.items) + ")"
    if isinstance(expr, AndNot):
        return "(" + compile_fts5(expr.positive) + " NOT " + compile_fts5(expr.negative) + ")"
    raise TypeError(f"unsupported expression {expr!r}")


def _seeks_well(expr) -> bool:
    """Words joined by AND (measured: OR and NOT parts make FTS5 seek a rowid range slowly)."""
    return all(isinstance(node, Tok | And) for node in walk(expr))


class SQLiteSegmentBackend(SQLSegmentBackend):
    name = "sqlite-fts5"
    vendor = "sqlite"
    segment_table = "search_segment_fts"
    key_column = "rowid"
    match_predicate = "search_segment_fts MATCH %s"
    # Contentless FTS5 tables forget their tokens: removing a row needs the same tokens again.
    deletes_by_content = True

    def compile(self, expr) -> str:
        return compile_fts5(expr)

    # ----------------------------------------------------------------------------- writing
    def _delete(self, cursor, old: TalkDoc) -> None:
        cursor.executemany(
            "INSERT INTO search_segment_fts(search_segment_fts, rowid, tokens) VALUES('delete', %s, %s)",
            [(seg.key, " ".join(seg.tokens)) for seg in old.segments],
        )
        cursor.execute(
            "INSERT INTO search_talk_fts(search_talk_fts, rowid, title, speaker, body) "
            "VALUES('delete', %s, %s, %s, %s)",
            [old.talk_id, " ".join(old.title_tokens), " ".join(old.speaker_tokens), " ".join(old.body_tokens)],
        )
        cursor.execute(
            "INSERT INTO search_talk_sound_fts(search_talk_sound_fts, rowid, tokens) VALUES('delete', %s, %s)",
            [old.talk_id, " ".join(old.sound_tokens)],
        )

    def index_talk(self, doc: TalkDoc, old: TalkDoc | None) -> None:
        with self.connection.cursor() as cursor:
            if old is not None:
                self._delete(cursor, old)
            cursor.executemany(
                "INSERT INTO search_segment_fts(rowid, tokens) VALUES (%s, %s)",
                [(seg.key, " ".join(seg.tokens)) for seg in doc.segments],
            )
            cursor.execute(
                "INSERT INTO search_talk_fts(rowid, title, speaker, body) VALUES (%s, %s, %s, %s)",
                [doc.talk_id, " ".join(doc.title_tokens), " ".join(doc.speaker_tokens), " ".join(doc.body_tokens)],
            )
            cursor.execute("INSERT INTO search_talk_sound_fts(rowid, tokens) VALUES (%s, %s)",
                           [doc.talk_id, " ".join(doc.sound_tokens)])

    def remove_talk(self, old: TalkDoc) -> None:
        with self.connection.cursor() as cursor:
            self._delete(cursor, old)

    def reset(self) -> None:
        from .ddl import create_tables, drop_tables

        # Dropping is faster than deleting a million rows and gives the space back.
        drop_tables(self.connection)
        create_tables(self.connection)

    def finish_rebuild(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_segment_fts(search_segment_fts) VALUES('optimize')")
            cursor.execute("INSERT INTO search_talk_fts(search_talk_fts) VALUES('optimize')")
            cursor.execute("INSERT INTO search_talk_sound_fts(search_talk_sound_fts) VALUES('optimize')")

    # ----------------------------------------------------------------------------- reading
    def match_talks(self, expr) -> dict[int, float]:
        if expr is None:
            return {}
        w = TALK_WEIGHTS
        query = compile_fts5(expr)
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM search_talk_fts WHERE search_talk_fts MATCH %s", [query])
            ids = [row[0] for row in cursor.fetchall()]
            if len(ids) > RANK_AT_MOST:  # nearly every talk says it: relevance barely separates them
                return dict.fromkeys(ids, 0.0)
            cursor.execute(
                f"SELECT rowid, -bm25(search_talk_fts, {w[0]}, {w[1]}, {w[2]}) FROM search_talk_fts "
                "WHERE search_talk_fts MATCH %s",
                [query],
            )
            return dict(cursor.fetchall())

    def match_talk_titles(self, expr) -> set[int]:
        if expr is None:
            return set()
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM search_talk_fts WHERE search_talk_fts MATCH %s",
                ["{title} : " + compile_fts5(expr)],
            )
            return {row[0] for row in cursor.fetchall()}

    def match_talk_sounds(self, expr) -> set[int] | None:
        if expr is None:
            return set()
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM search_talk_sound_fts WHERE search_talk_sound_fts MATCH %s",
                           [compile_fts5(expr)])
            return {row[0] for row in cursor.fetchall()}

    def _first_matches_sql(self, expr, talk_ids: list[int], per_talk: int) -> tuple[str, list]:
        if not _seeks_well(expr):  # one pass over all the matches is cheaper than ranges here
            return super()._first_matches_sql(expr, talk_ids, per_talk)
        # Plain words: FTS5 seeks each talk's rowid range in its lists; one statement for all.
        ranged = ("SELECT * FROM (SELECT rowid FROM search_segment_fts WHERE search_segment_fts MATCH %s "
                  "AND rowid BETWEEN %s AND %s LIMIT %s)")
        query = compile_fts5(expr)
        return (" UNION ALL ".join([ranged] * len(talk_ids)),
                [p for t in talk_ids for p in (query, *talk_key_range(t), int(per_talk))])

    def stats(self) -> dict:
        sizes: dict = {}
        with self.connection.cursor() as cursor:
            try:  # dbstat is an optional compile-time module of SQLite
                cursor.execute(
                    "SELECT name, SUM(pgsize) FROM dbstat WHERE name LIKE 'search_%%' GROUP BY name"
                )
                sizes = {name: int(size) for name, size in cursor.fetchall()}
            except DatabaseError:
                sizes = {}
        prefixes = ("search_segment_fts", "search_talk_fts", "search_talk_sound_fts")
        fts = sum(v for k, v in sizes.items() if k.startswith(prefixes))
        return {"engine": self.name, "fulltext_bytes": fts, "table_bytes": sizes}
