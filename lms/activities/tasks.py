"""Celery tasks of organizational life: explicit names, the default queue, time limits; ids in, idempotent."""

import datetime

from celery import shared_task
from django.utils import timezone

from lms.org.models import OrgUnit

from . import plans, reminders
from .attendance import settle_live
from .models import Activity


@shared_task(name="activities.generate_unit_plan", queue="default", soft_time_limit=120, time_limit=180)
def generate_unit_plan(unit_id: int, since: str | None = None) -> int:
    if not OrgUnit.objects.filter(pk=unit_id).exists():
        return 0
    day = datetime.date.fromisoformat(since) if since else None
    year = (day or timezone.localdate()).year
    return plans.generate_plans(year, [unit_id], since=day)


@shared_task(name="activities.generate_next_year", queue="default", soft_time_limit=1800, time_limit=2000)
def generate_next_year() -> int:
    return plans.generate_plans(timezone.localdate().year + 1)


@shared_task(name="activities.run_reminders", queue="default", soft_time_limit=600, time_limit=660)
def run_reminders() -> dict:
    counts = reminders.run()
    now = timezone.now()
    ended = Activity.objects.filter(stream_url__gt="", ends_at__lte=now, live_settled_at__isnull=True).exclude(
        status=Activity.Status.CANCELLED)
    counts["live_settled"] = sum(settle_live(activity, now) for activity in ended)
    return counts
