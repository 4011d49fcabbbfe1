"""Idempotent set-up after migrate: trainers upload and place SCORM packages, HR sees them."""

from django.db import transaction

from lms.org.services import HR, TRAINERS

TRAINER_PERMISSIONS = ["add_scormpackage", "change_scormpackage", "view_scormpackage"]
HR_PERMISSIONS = ["view_scormpackage"]


def after_migrate(sender, using="default", **kwargs):
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    create_permissions(sender, verbosity=0, using=using)
    with transaction.atomic(using=using):
        for group_name, codenames in ((TRAINERS, TRAINER_PERMISSIONS), (HR, HR_PERMISSIONS)):
            group, _created = Group.objects.using(using).get_or_create(name=group_name)
            perms = Permission.objects.using(using).filter(content_type__app_label="scorm", codename__in=codenames)
            group.permissions.add(*perms)
