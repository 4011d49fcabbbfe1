from django.db import migrations

# The posts every installation starts with (HR adds and renames posts in the admin; codes stay).
POSTS = [  # as lms.org.roles.SEEDED_POSTS when this migration was written
    ("operation", "运行操作", "Operation"),
    ("maintenance", "设备维修", "Equipment maintenance"),
    ("safety", "安全管理", "Safety management"),
    ("finance", "财务", "Finance"),
    ("procurement", "采购", "Procurement"),
    ("management", "经营管理", "Business management"),
]


def seed(apps, schema_editor):
    Post = apps.get_model("org", "Post")
    for code, name, name_en in POSTS:
        Post.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("org", "0004_post")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
