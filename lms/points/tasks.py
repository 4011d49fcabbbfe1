"""Celery tasks of the points app: ids in, idempotent (a credit happens once per source, a reversal once per
credit), so a retry never adds points."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from lms.activities.models import Attendance

from . import events, services

LIMITS = {"queue": "default", "soft_time_limit": 60, "time_limit": 90}


def _when(iso: str | None):
    return (parse_datetime(iso) if iso else None) or timezone.now()


@shared_task(name="points.lesson_completed", **LIMITS)
def lesson_completed(member_id: int, lesson_id: int, at: str | None = None) -> int:
    return len(events.lesson_completed(member_id, lesson_id, _when(at)))


@shared_task(name="points.course_completed", **LIMITS)
def course_completed(member_id: int, course_id: int, at: str | None = None) -> int:
    return len(events.course_completed(member_id, course_id, _when(at)))


@shared_task(name="points.attempt_finished", **LIMITS)
def attempt_finished(attempt_id: int) -> int:
    return len(events.attempt_finished(attempt_id))


@shared_task(name="points.attendance_changed", **LIMITS)
def attendance_changed(attendance_id: int) -> int:
    return len(events.sync_attendance(attendance_id))


@shared_task(name="points.activity_attendance_changed", queue="default", soft_time_limit=600, time_limit=660)
def activity_attendance_changed(activity_id: int, member_ids: list[int]) -> int:
    """An imported attendance list: every changed row, synced one by one (each is idempotent)."""
    ids = Attendance.objects.filter(activity_id=activity_id, member_id__in=member_ids).values_list("pk", flat=True)
    return sum(len(events.sync_attendance(pk)) for pk in ids.iterator(chunk_size=500))


@shared_task(name="points.ledger_reversed", **LIMITS)
def ledger_reversed(entry_id: int) -> int:
    return len(events.ledger_reversed(entry_id))


@shared_task(name="points.rebuild_totals", queue="default", soft_time_limit=1800, time_limit=1900)
def rebuild_totals() -> int:
    return services.rebuild_totals()
