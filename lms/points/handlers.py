"""Receivers of the points app (connected in PointsConfig.ready()): each source event becomes a task with ids,
after the transaction that made it commits."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from . import events, tasks


def _later(task, *args) -> None:
    transaction.on_commit(lambda: task.delay(*args))


def on_lesson_completed(sender, member_id, lesson_id, **kwargs):
    _later(tasks.lesson_completed, member_id, lesson_id, timezone.now().isoformat())


def on_course_completed(sender, member_id, course_id, completed_at=None, **kwargs):
    _later(tasks.course_completed, member_id, course_id, (completed_at or timezone.now()).isoformat())


def on_attempt_finished(sender, attempt_id, **kwargs):
    _later(tasks.attempt_finished, attempt_id)


def on_attendance_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    _later(tasks.attendance_changed, instance.pk)


def on_attendance_bulk_changed(sender, activity_id, member_ids, **kwargs):
    """The attendance import writes rows in bulk (no post_save): each changed row is synced like a saved one."""
    _later(tasks.activity_attendance_changed, activity_id, list(member_ids))


def on_ledger_saved(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw and instance.reverses_id is not None:
        _later(tasks.ledger_reversed, instance.pk)


def on_progress_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    """Heartbeats: the study time counted by the server. Run after commit in the request itself (a task per
    beat would cost more than the work); it only takes the member's points lock."""
    if raw or (update_fields is not None and "time_spent_seconds" not in update_fields):
        return
    args = (instance.pk, instance.member_id, instance.lesson_id, instance.time_spent_seconds,
            instance.watched_seconds, instance.last_beat_at or timezone.now())
    transaction.on_commit(lambda: events.lesson_progress_saved(*args))
