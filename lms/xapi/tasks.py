"""Celery tasks of the LRS: stating the platform's events (``xapi.emit``) and forwarding to an upstream LRS
(``xapi.forward``, also run by beat every minute). Ids in, idempotent: statement ids are deterministic, so a retry
states nothing twice; the outbox sends each statement once."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from . import forwarding, services
from .emitters import activities, h5p, ledger, lessons, quizzes, video
from .errors import XapiError

log = logging.getLogger(__name__)
LIMITS = {"queue": "default", "soft_time_limit": 60, "time_limit": 90}
CHUNK = 100


def _ledger_many(entry_ids: list[int]) -> list[dict]:
    return [s for pk in entry_ids for s in ledger.entry(pk)]


def _attendance_many(attendance_ids: list[int]) -> list[dict]:
    return [s for pk in attendance_ids for s in activities.attendance(pk)]


# family → emitter (lms.xapi.emitters), called with the task's arguments.
EMITTERS = {
    "lesson": lessons.lesson_completed,
    "course": lessons.course_completed,
    "video": video.viewing,
    "quiz": quizzes.attempt_finished,
    "h5p": h5p.captured,
    "attendance": _attendance_many,
    "ledger": _ledger_many,
}


def statements_for(family: str, args: list) -> list[dict]:
    return EMITTERS[family](*args)


@shared_task(name="xapi.emit", bind=True, max_retries=5, **LIMITS)
def emit(self, family: str, args: list) -> int:
    """State one event family's statements in the LRS. An event that cannot be stated is logged, never raised:
    the member's action it describes has already happened."""
    try:
        statements = statements_for(family, args)
        if not statements:
            return 0
        ids = services.store_statements(statements)
    except OperationalError as exc:
        # The database is busy or away: a worker tries again later (ids make that harmless); run in the request
        # itself (eager), the event is logged rather than failing the learner's action.
        if self.request.is_eager:
            log.warning("xAPI %s %s: database unavailable: %s", family, args, exc)
            return 0
        raise self.retry(exc=exc, countdown=30 * 2 ** self.request.retries) from exc
    except XapiError as exc:
        log.warning("xAPI %s %s: statement refused: %s", family, args, exc)
        return 0
    except Exception:
        log.exception("xAPI %s %s: could not state the event", family, args)
        return 0
    return len(ids)  # the store put the new ones in the forwarding outbox


@shared_task(name="xapi.forward", queue="default", soft_time_limit=240, time_limit=300)
def forward() -> int:
    """Send the outbox's due statements to the upstream LRS (nothing while LMS_XAPI_UPSTREAM_URL is empty)."""
    return forwarding.forward_due()
