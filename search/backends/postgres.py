"""Embedded engine on PostgreSQL: tsvector columns with GIN indexes (tables from migration 0001).

Tokens come pre-analysed from lms.common.textanalysis, so no text-search configuration or parser is involved:
tsvector and tsquery values are written as literals whose lexemes are taken verbatim.
"""

from __future__ import annotations

from search.models import MAX_SEGMENTS_PER_TALK, SEGMENT_BITS, talk_key_range

from .base import And, AndNot, Or, Prefix, TalkDoc, Tok
from .sql import SQLSegmentBackend

MAX_POSITION = 16383  # PostgreSQL's limit; later positions share it
# ts_rank weights for {D, C, B, A}: body, -, speaker, title.
RANK_WEIGHTS = "{0.1, 0.2, 0.5, 1.0}"


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(tokens) -> str:
    return " ".join(_lexeme(t) for t in dict.fromkeys(tokens))


def weighted_tsvector_literal(fields: list[tuple[list[str], str]]) -> str:
    """Lexemes with positions and weights: [(tokens, "A"), (tokens, "B"), (tokens, "D")]."""
    positions: dict[str, list[str]] = {}
    pos = 0
    for tokens, weight in fields:
        for token in tokens:
            pos = min(pos + 1, MAX_POSITION)
            entry = positions.setdefault(token, [])
            if len(entry) < 256:
                entry.append(f"{pos}{weight if weight != 'D' else ''}")
    return " ".join(f"{_lexeme(t)}:{','.join(p)}" for t, p in positions.items())


def compile_tsquery(expr, weight: str = "") -> str:
    if isinstance(expr, Tok):
        return _lexeme(expr.token) + (f":{weight}" if weight else "")
    if isinstance(expr, Prefix):
        return _lexeme(expr.token) + ":*" + weight
    if isinstance(expr, And):
        return "(" + " & ".join(compile_tsquery(i, weight) for i in expr.items) + ")"
    if isinstance(expr, Or):
        return "(" + " | ".join(compile_tsquery(i, weight) for i in expr.items) + ")"
    if isinstance(expr, AndNot):
        return "(" + compile_tsquery(expr.positive, weight) + " & !" + compile_tsquery(expr.negative, weight) + ")"
    raise TypeError(f"unsupported expression {expr!r}")


class PostgresSegmentBackend(SQLSegmentBackend):
    name = "postgresql-tsvector"
    vendor = "postgresql"
    segment_table = "search_segment_tsv"
    key_column = "id"
    match_predicate = "tokens @@ %s::tsquery"
    order_by_key = " ORDER BY id"
    deletes_by_content = False

    def compile(self, expr) -> str:
        return compile_tsquery(expr)

    def _first_matches_sql(self, expr, talk_ids: list[int], per_talk: int) -> tuple[str, list]:
        """Each talk's first matches by a scan of its own key range that stops after ``per_talk`` hits. The
        shared form (every match of the index, then filtered by talk) visits the row of every segment that
        matches anywhere: for a common word, tens of thousands of rows for the few talks of a page.
        ``ts_match_vq`` is ``@@`` written as a function, which the planner cannot answer from the GIN index: it
        underestimates how many segments match several words (it multiplies their frequencies) and would
        otherwise look up every match of the index once per talk."""
        sql = (f"SELECT s.id FROM unnest(%s::bigint[]) AS t(talk) CROSS JOIN LATERAL (SELECT id FROM "
               f"search_segment_tsv WHERE id BETWEEN t.talk << {SEGMENT_BITS} AND (t.talk << {SEGMENT_BITS}) + "
               f"{MAX_SEGMENTS_PER_TALK - 1} AND ts_match_vq(tokens, %s::tsquery) ORDER BY id LIMIT %s) AS s "
               "ORDER BY s.id")
        return sql, [talk_ids, self.compile(expr), int(per_talk)]

    def _delete(self, cursor, talk_id: int) -> None:
        cursor.execute("DELETE FROM search_segment_tsv WHERE id BETWEEN %s AND %s", list(talk_key_range(talk_id)))
        cursor.execute("DELETE FROM search_talk_tsv WHERE talk_id = %s", [talk_id])

    def index_talk(self, doc: TalkDoc, old: TalkDoc | None) -> None:
        with self.connection.cursor() as cursor:
            self._delete(cursor, doc.talk_id)
            cursor.executemany(
                "INSERT INTO search_segment_tsv (id, tokens) VALUES (%s, %s::tsvector)",
                [(seg.key, tsvector_literal(seg.tokens)) for seg in doc.segments],
            )
            cursor.execute(
                "INSERT INTO search_talk_tsv (talk_id, doc) VALUES (%s, %s::tsvector)",
                [doc.talk_id, weighted_tsvector_literal(
                    [(doc.title_tokens, "A"), (doc.speaker_tokens, "B"), (doc.body_tokens, "D")])],
            )

    def remove_talk(self, old: TalkDoc) -> None:
        with self.connection.cursor() as cursor:
            self._delete(cursor, old.talk_id)

    def reset(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("TRUNCATE search_segment_tsv, search_talk_tsv")

    def finish_rebuild(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("ANALYZE search_segment_tsv")
            cursor.execute("ANALYZE search_talk_tsv")

    def match_talks(self, expr) -> dict[int, float]:
        if expr is None:
            return {}
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT talk_id, ts_rank(%s::float4[], doc, q) FROM search_talk_tsv, CAST(%s AS tsquery) AS q "
                "WHERE doc @@ q",
                [RANK_WEIGHTS, compile_tsquery(expr)],
            )
            return {talk_id: float(rank) for talk_id, rank in cursor.fetchall()}

    def match_talk_titles(self, expr) -> set[int]:
        if expr is None:
            return set()
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT talk_id FROM search_talk_tsv WHERE doc @@ %s::tsquery",
                           [compile_tsquery(expr, weight="A")])
            return {row[0] for row in cursor.fetchall()}

    def stats(self) -> dict:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size('search_segment_tsv') + "
                           "pg_total_relation_size('search_talk_tsv')")
            size = cursor.fetchone()[0]
        return {"engine": self.name, "fulltext_bytes": int(size)}
