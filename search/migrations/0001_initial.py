from django.db import migrations, models


def create_fulltext_tables(apps, schema_editor):
    """Create the full-text structures of the embedded backend for this database vendor."""
    from search.backends.ddl import create_tables

    create_tables(schema_editor.connection)


def drop_fulltext_tables(apps, schema_editor):
    from search.backends.ddl import drop_tables

    drop_tables(schema_editor.connection)


class Migration(migrations.Migration):
    initial = True

    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="IndexedSegment",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("talk_id", models.BigIntegerField(verbose_name="talk")),
                ("index", models.PositiveIntegerField(verbose_name="index")),
                ("start", models.FloatField(verbose_name="start (seconds)")),
                ("end", models.FloatField(verbose_name="end (seconds)")),
                ("text", models.TextField(verbose_name="text")),
            ],
            options={"verbose_name": "indexed segment", "verbose_name_plural": "indexed segments"},
        ),
        migrations.CreateModel(
            name="IndexedTalk",
            fields=[
                ("talk_id", models.BigIntegerField(primary_key=True, serialize=False, verbose_name="talk")),
                ("title", models.CharField(blank=True, max_length=300, verbose_name="title")),
                ("speaker", models.CharField(blank=True, max_length=300, verbose_name="speaker")),
                ("segment_count", models.PositiveIntegerField(default=0, verbose_name="segments")),
                ("fingerprint", models.CharField(max_length=32, verbose_name="analyzer fingerprint")),
                ("indexed_at", models.DateTimeField(auto_now=True, verbose_name="indexed at")),
            ],
            options={"verbose_name": "indexed talk", "verbose_name_plural": "indexed talks"},
        ),
        migrations.RunPython(create_fulltext_tables, drop_fulltext_tables),
    ]
