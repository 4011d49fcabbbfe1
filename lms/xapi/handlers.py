"""Receivers of the LRS (connected in XapiConfig.ready()): each learning event becomes an ``xapi.emit`` task with
ids, after the transaction that recorded it commits. A failure to queue is logged: stating an event must never
break the action it describes."""

from __future__ import annotations

import logging

from django.db import transaction

from . import tasks

log = logging.getLogger(__name__)


def _queue(family: str, *args) -> None:
    try:
        tasks.emit.delay(family, list(args))
    except Exception:
        log.exception("xAPI: could not queue the %s event %s", family, args)


def _later(family: str, *args) -> None:
    transaction.on_commit(lambda: _queue(family, *args))


def _chunks(ids, size: int = tasks.CHUNK):
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def on_lesson_completed(sender, member_id, lesson_id, **kwargs):
    _later("lesson", member_id, lesson_id)


def on_course_completed(sender, member_id, course_id, **kwargs):
    _later("course", member_id, course_id)


def on_video_viewing(sender, member_id, lesson_id, event, position, session_started_at, at, watched, duration,
                     **kwargs):
    _later("video", member_id, lesson_id, event, position, _iso(session_started_at), _iso(at), watched, duration)


def on_attempt_finished(sender, attempt_id, **kwargs):
    _later("quiz", attempt_id)


def on_h5p_statement_saved(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        _later("h5p", instance.pk)


def on_attendance_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _later("attendance", [instance.pk])


def on_attendance_bulk_changed(sender, activity_id, member_ids, **kwargs):
    """The attendance import (bulk writes, no post_save): its rows, in chunks, after its transaction."""
    def queue():
        from lms.activities.models import Attendance

        ids = Attendance.objects.filter(activity_id=activity_id, member_id__in=list(member_ids)).values_list(
            "pk", flat=True)
        for chunk in _chunks(ids):
            _queue("attendance", chunk)

    transaction.on_commit(queue)


def on_ledger_saved(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        _later("ledger", [instance.pk])


def on_ledger_bulk_created(sender, entry_ids, **kwargs):
    for chunk in _chunks(entry_ids):
        _later("ledger", chunk)
