"""DDL of the embedded segment index, per database vendor (used by migration 0001 and the rebuild command)."""

TOKENIZE = "unicode61 remove_diacritics 0 tokenchars '_'"

SQLITE_CREATE = [
    # One row per transcript segment, pre-analysed tokens of every tier (see lms.common.textanalysis).
    # Contentless + detail=none: only rowid lists are stored, which keeps 1M segments small and fast.
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_segment_fts USING fts5("
    f"tokens, content='', detail=none, columnsize=0, tokenize=\"{TOKENIZE}\")",
    # One row per talk (rowid = talk id): exact tokens of title, speaker and the whole transcript,
    # with positions so bm25 sees term frequencies.
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_talk_fts USING fts5("
    f"title, speaker, body, content='', tokenize=\"{TOKENIZE}\")",
    # One row per talk: the distinct pinyin/fuzzy bigrams said anywhere in it. A pronunciation tier
    # of a two-syllable word is then a lookup among talks, not among a million segments.
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_talk_sound_fts USING fts5("
    f"tokens, content='', detail=none, columnsize=0, tokenize=\"{TOKENIZE}\")",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS search_segment_fts", "DROP TABLE IF EXISTS search_talk_fts",
               "DROP TABLE IF EXISTS search_talk_sound_fts"]

POSTGRES_CREATE = [
    "CREATE TABLE IF NOT EXISTS search_segment_tsv (id bigint PRIMARY KEY, tokens tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS search_segment_tsv_gin ON search_segment_tsv USING gin (tokens)",
    "CREATE TABLE IF NOT EXISTS search_talk_tsv (talk_id bigint PRIMARY KEY, doc tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS search_talk_tsv_gin ON search_talk_tsv USING gin (doc)",
]
POSTGRES_DROP = ["DROP TABLE IF EXISTS search_segment_tsv", "DROP TABLE IF EXISTS search_talk_tsv"]


def _statements(connection, create: bool) -> list[str]:
    if connection.vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    if connection.vendor == "postgresql":
        return POSTGRES_CREATE if create else POSTGRES_DROP
    return []  # other databases: configure an external engine (SEARCH_SEGMENT_BACKEND)


def create_tables(connection) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, True):
            cursor.execute(sql)


def drop_tables(connection) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, False):
            cursor.execute(sql)
