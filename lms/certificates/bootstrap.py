"""After migrate: the staff groups' rights in the admin (idempotent). HR edits templates, programmes and course
settings and sees its organization's certificates; secretaries see their branch's. Nobody adds or edits a
certificate by hand: they are issued on completion, revoked and re-issued by HR's actions."""

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from lms.org.services import HR, SECRETARIES

GROUP_PERMISSIONS = {
    HR: ["add_certificatetemplate", "change_certificatetemplate", "view_certificatetemplate",
         "add_certificateprogramme", "change_certificateprogramme", "delete_certificateprogramme",
         "view_certificateprogramme", "add_coursecertificate", "change_coursecertificate",
         "delete_coursecertificate", "view_coursecertificate", "view_certificate"],
    SECRETARIES: ["view_certificate"],
}


def after_migrate(sender, using="default", **kwargs):
    create_permissions(sender, verbosity=0, using=using)
    with transaction.atomic(using=using):
        for name, codenames in GROUP_PERMISSIONS.items():
            group, _created = Group.objects.using(using).get_or_create(name=name)
            group.permissions.add(*Permission.objects.using(using).filter(
                content_type__app_label="certificates", codename__in=codenames))
