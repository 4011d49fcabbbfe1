"""Idempotent set-up after migrate: trainer and HR permissions, the periodic expiry task."""

from django.db import transaction

from lms.org.services import HR, TRAINERS

TRAINER_PERMISSIONS = [
    "add_question", "change_question", "delete_question", "view_question",
    "add_questioncategory", "change_questioncategory", "view_questioncategory",
    "add_quiz", "change_quiz", "view_quiz",
    "add_h5ppackage", "change_h5ppackage", "view_h5ppackage",
    "add_exampage", "change_exampage", "view_exampage",
]
HR_PERMISSIONS = ["view_question", "view_questioncategory", "view_quiz", "view_h5ppackage"]
EXPIRE_TASK = "quizzes: submit attempts whose time ran out"


def after_migrate(sender, using="default", **kwargs):
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    create_permissions(sender, verbosity=0, using=using)
    with transaction.atomic(using=using):
        for group_name, codenames in ((TRAINERS, TRAINER_PERMISSIONS), (HR, HR_PERMISSIONS)):
            group, _created = Group.objects.using(using).get_or_create(name=group_name)
            perms = Permission.objects.using(using).filter(content_type__app_label="quizzes", codename__in=codenames)
            group.permissions.add(*perms)
        _ensure_periodic_task(using)


def _ensure_periodic_task(using):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every, _created = IntervalSchedule.objects.using(using).get_or_create(every=5, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.using(using).get_or_create(
        name=EXPIRE_TASK, defaults={"task": "quizzes.finalize_expired_attempts", "interval": every,
                                    "queue": "default"},
    )
