"""The talk-level pronunciation table of the embedded SQLite index (search.backends.ddl), filled for
the talks already indexed: their segments are analysed again (same analyzer, same tokens), which
takes a few minutes per million segments."""

from django.db import migrations

CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_talk_sound_fts USING fts5("
    "tokens, content='', detail=none, columnsize=0, tokenize=\"unicode61 remove_diacritics 0 tokenchars '_'\")"
)


def create_and_fill(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return  # other databases keep no talk-level table; search counts segments there
    from lms.common.textanalysis import index_tokens

    IndexedTalk = apps.get_model("search", "IndexedTalk")
    IndexedSegment = apps.get_model("search", "IndexedSegment")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'search_segment_fts'")
        if cursor.fetchone() is None:
            return  # no embedded index here (another engine is configured)
        cursor.execute(CREATE)
        for talk_id in IndexedTalk.objects.values_list("talk_id", flat=True).iterator():
            lo = talk_id << 20
            sounds: dict[str, None] = {}
            for text in IndexedSegment.objects.filter(id__range=(lo, lo + (1 << 20) - 1)).values_list(
                    "text", flat=True):
                sounds.update(dict.fromkeys(t for t in index_tokens(text) if t.startswith(("p_", "f_"))))
            cursor.execute("INSERT INTO search_talk_sound_fts(rowid, tokens) VALUES (%s, %s)",
                           [talk_id, " ".join(sounds)])


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS search_talk_sound_fts")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_snapshot_stamp"),
    ]

    operations = [migrations.RunPython(create_and_fill, drop)]
