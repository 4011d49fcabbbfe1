"""Idempotent set-up after migrate: the periodic task of reminders and escalation (every 15 minutes)."""

from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

REMINDERS_TASK = "announcements: reminders and escalation"


def ensure_periodic_tasks(using="default") -> None:
    every, _created = IntervalSchedule.objects.using(using).get_or_create(every=15, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.using(using).get_or_create(
        name=REMINDERS_TASK, defaults={"task": "announcements.run_reminders", "interval": every, "queue": "default"})


def after_migrate(sender, using="default", **kwargs):
    with transaction.atomic(using=using):
        ensure_periodic_tasks(using)
