"""After migrate: the current year's default plan and the HR group's rights on plans (idempotent)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.management import create_contenttypes
from django.db import transaction

from lms.org.services import HR, SECRETARIES

GROUP_PERMISSIONS = {
    HR: [("training", "add_trainingplan"), ("training", "change_trainingplan"),
           ("training", "view_trainingplan"), ("training", "view_assignment")],
    SECRETARIES: [("training", "view_assignment")],
}


def bootstrap(using="default") -> None:
    for label in ("training", "notifications"):
        app_config = global_apps.get_app_config(label)
        create_contenttypes(app_config, verbosity=0, using=using)
        create_permissions(app_config, verbosity=0, using=using)
    with transaction.atomic(using=using):
        for name, perms in GROUP_PERMISSIONS.items():
            group, _created = Group.objects.using(using).get_or_create(name=name)
            group.permissions.add(*Permission.objects.using(using).filter(
                content_type__app_label="training", codename__in=[c for _a, c in perms]))
        from lms.org.services import ensure_roles

        from .plans import get_plan

        # The default plan's rules name roles. After a flush (transactional tests) the roles are gone and this
        # app's post_migrate may come before the one that seeds them again: without them every rule would
        # apply to everybody (members required the secretaries' 56 hours).
        ensure_roles()
        get_plan()
