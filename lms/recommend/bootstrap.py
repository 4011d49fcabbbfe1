"""The nightly recompute as a django-celery-beat periodic task, created after migrate (idempotent).

Created once with the default time (02:30 local); an administrator may change its schedule or
disable it in the admin afterwards — later migrations leave it alone.
"""

from django.conf import settings
from django.db import connections

TASK_NAME = "recommend.recompute_all"
PERIODIC_TASK_NAME = "Recommendations: nightly recompute"


def ensure_nightly_task(using: str = "default"):
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    tables = connections[using].introspection.table_names()
    if PeriodicTask._meta.db_table not in tables or CrontabSchedule._meta.db_table not in tables:
        return None  # django_celery_beat is not migrated yet (a partial migrate); the next migrate creates it
    existing = PeriodicTask.objects.using(using).filter(name=PERIODIC_TASK_NAME).first()
    if existing is not None:
        return existing
    schedule, _created = CrontabSchedule.objects.using(using).get_or_create(
        minute="30", hour="2", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    return PeriodicTask.objects.using(using).create(
        name=PERIODIC_TASK_NAME, task=TASK_NAME, crontab=schedule, queue="default",
        description="Recompute every member's recommendations and the item neighbourhoods.",
    )


def after_migrate(sender, using="default", **kwargs):
    ensure_nightly_task(using=using)
