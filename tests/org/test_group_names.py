"""The staff groups and Wagtail's default workflow carry Chinese names: trainers read them in the admin."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group
from wagtail.models import Task, Workflow

from lms.org.services import EDITORS, HR, MODERATORS, SECRETARIES, TRAINERS
from tests.factories import MemberFactory

rename_migration = importlib.import_module("lms.org.migrations.0003_chinese_staff_group_names")


@pytest.mark.django_db
def test_the_installed_groups_and_workflow_are_named_in_chinese():
    names = set(Group.objects.values_list("name", flat=True))
    assert {TRAINERS, HR, SECRETARIES, MODERATORS} <= names
    assert not names & {"Trainers", "HR", "Branch secretaries", "Moderators", "Editors"}
    assert Workflow.objects.filter(name="审核员审批").exists()
    assert not Workflow.objects.filter(name="Moderators approval").exists()


@pytest.mark.django_db
def test_the_migration_renames_english_names_and_keeps_members_and_permissions():
    Group.objects.filter(name=TRAINERS).update(name="Trainers")
    Group.objects.filter(name=MODERATORS).update(name="Moderators")
    Group.objects.filter(name=EDITORS).delete()
    Group.objects.create(name="Editors")
    Workflow.objects.filter(name="审核员审批").update(name="Moderators approval")
    Task.objects.filter(name="审核员审批").update(name="Moderators approval")
    trainer = MemberFactory(roles=["member"])
    legacy = Group.objects.get(name="Trainers")
    trainer.user.groups.add(legacy)
    permissions = set(legacy.permissions.values_list("pk", flat=True))
    assert permissions  # the bootstrap granted the trainers' rights before the rename

    rename_migration.forwards(global_apps, None)

    renamed = Group.objects.get(pk=legacy.pk)
    assert renamed.name == TRAINERS and set(renamed.permissions.values_list("pk", flat=True)) == permissions
    assert trainer.user.groups.filter(name=TRAINERS).exists()
    assert Group.objects.filter(name=EDITORS).count() == 1 and Group.objects.filter(name=MODERATORS).exists()
    assert Workflow.objects.get(name="审核员审批") and Task.objects.filter(name="审核员审批").exists()


@pytest.mark.django_db
def test_a_role_gives_the_chinese_group():
    member = MemberFactory(roles=["member", "trainer", "hr"])
    from lms.org.services import sync_user_groups

    sync_user_groups(member)
    assert set(member.user.groups.values_list("name", flat=True)) == {TRAINERS, HR, MODERATORS}
