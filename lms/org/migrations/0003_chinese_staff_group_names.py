"""Trainers and HR read the staff groups' and the default workflow's names in the admin ("提交给<workflow>"),
so they are Chinese (lms.org.groups). Renames the English names earlier installations and Wagtail's initial
data created; a name already taken by a Chinese group is left alone."""

from django.db import migrations

LEGACY_NAMES = {"Trainers": "培训讲师", "HR": "组织人事", "Branch secretaries": "支部书记", "Moderators": "审核员",
                "Editors": "编辑"}
LEGACY_WORKFLOW_NAME, WORKFLOW_NAME = "Moderators approval", "审核员审批"


def rename(apps, schema_editor, names, workflow):
    Group = apps.get_model("auth", "Group")
    for old, new in names.items():
        if not Group.objects.filter(name=new).exists():
            Group.objects.filter(name=old).update(name=new)
    old_workflow, new_workflow = workflow
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=old_workflow).update(name=new_workflow)
    apps.get_model("wagtailcore", "Task").objects.filter(name=old_workflow).update(name=new_workflow)


def forwards(apps, schema_editor):
    rename(apps, schema_editor, LEGACY_NAMES, (LEGACY_WORKFLOW_NAME, WORKFLOW_NAME))


def backwards(apps, schema_editor):
    rename(apps, schema_editor, {new: old for old, new in LEGACY_NAMES.items()}, (WORKFLOW_NAME, LEGACY_WORKFLOW_NAME))


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_seed_roles"),
        ("auth", "__latest__"),
        # Not "__latest__": with Wagtail's squashed first migration that can resolve to 0001, before the workflows.
        ("wagtailcore", "0048_add_default_workflows"),
        ("wagtailadmin", "__latest__"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
