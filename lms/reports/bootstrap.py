"""Idempotent set-up after migrate: the periodic task that mails subscribed reports."""

from django.conf import settings
from django_celery_beat.models import CrontabSchedule, PeriodicTask

MONTHLY_TASK_NAME = "reports: monthly report subscriptions"


def ensure_schedule(sender, using="default", **kwargs):
    """The beat entry that mails subscribed reports on the 1st of each month at 07:00 (idempotent)."""
    schedule, _created = CrontabSchedule.objects.using(using).get_or_create(
        minute="0", hour="7", day_of_month="1", month_of_year="*", day_of_week="*",
        timezone=settings.CELERY_TIMEZONE,
    )
    PeriodicTask.objects.using(using).get_or_create(
        name=MONTHLY_TASK_NAME,
        defaults={"task": "reports.send_monthly_reports", "crontab": schedule, "queue": "default"},
    )
