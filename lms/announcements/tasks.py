"""Celery tasks of announcements: explicit names, the default queue, time limits; idempotent."""

import datetime

from celery import shared_task

from . import reminders


@shared_task(name="announcements.run_reminders", queue="default", soft_time_limit=300, time_limit=360)
def run_reminders(now: str | None = None) -> dict:
    """Every 15 minutes (beat): reminders before the deadline and escalation after it, each exactly once."""
    return reminders.run(datetime.datetime.fromisoformat(now) if now else None)
