import uuid

from django.db import migrations, models


def create_stamp(apps, schema_editor):
    apps.get_model("search", "SnapshotStamp").objects.get_or_create(name="talks", defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SnapshotStamp",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=32)),
            ],
            options={
                "verbose_name": "snapshot stamp",
                "verbose_name_plural": "snapshot stamps",
            },
        ),
        migrations.RunPython(create_stamp, migrations.RunPython.noop),
    ]
