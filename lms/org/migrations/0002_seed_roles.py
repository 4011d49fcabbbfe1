from django.db import migrations

ROLES = [
    ("member", "党员", "Party member"),
    ("activist", "入党积极分子", "Activist"),
    ("candidate", "发展对象", "Candidate for membership"),
    ("branch_secretary", "支部书记", "Branch secretary"),
    ("committee_member", "支委委员", "Branch committee member"),
    ("trainer", "培训讲师", "Trainer"),
    ("hr", "人事/组织干部", "HR / organization officer"),
]


def seed(apps, schema_editor):
    Role = apps.get_model("org", "Role")
    for code, name, name_en in ROLES:
        Role.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
