"""Debounced incremental recomputes.

A completion marks its member dirty and, unless a flush is already pending, schedules one
``RECOMMEND_DEBOUNCE_SECONDS`` later. Everything that happens before that flush runs only
marks members dirty, so a burst of completions (one member finishing several lessons, an
import of offline records) costs one recompute. The flush clears the pending mark *before*
reading the dirty members, so a completion arriving while it computes schedules the next one.
A pending mark older than the debounce plus ``STALE_AFTER_SECONDS`` is taken as lost (a worker
died, a broker was wiped) and replaced, so incremental updates cannot stall for good.
"""

from __future__ import annotations

import datetime

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lms.org.models import Member

from .models import DirtyMember, FlushSchedule

STALE_AFTER_SECONDS = 600
FLUSH_DIRTY_TASK = "recommend.flush_dirty"  # tasks.flush_dirty, sent by name: tasks.py imports this module


def _task(name: str):
    """The task of tasks.py registered as ``name`` (apps.ready imports tasks.py); honours task_always_eager."""
    return current_app.tasks[name]


def debounce_seconds() -> int:
    return int(getattr(settings, "RECOMMEND_DEBOUNCE_SECONDS", 30))


def mark_dirty(member_ids) -> None:
    now = timezone.now()
    # A member deleted since the event (e.g. a cascade removed their roles) has nothing to recompute.
    ids = set(Member.objects.filter(pk__in={int(pk) for pk in member_ids}).values_list("pk", flat=True))
    if not ids:
        return
    with transaction.atomic():
        DirtyMember.objects.filter(member_id__in=ids).update(marked_at=now)
        existing = set(DirtyMember.objects.filter(member_id__in=ids).values_list("member_id", flat=True))
        DirtyMember.objects.bulk_create([DirtyMember(member_id=pk, marked_at=now) for pk in ids - existing],
                                        ignore_conflicts=True)
        schedule_flush(now)


def schedule_flush(now: datetime.datetime | None = None) -> bool:
    """Schedule a flush unless one is pending; True when this call scheduled it."""
    now = now or timezone.now()
    delay = debounce_seconds()
    stale = now - datetime.timedelta(seconds=delay + STALE_AFTER_SECONDS)
    FlushSchedule.objects.get_or_create(pk=1)
    won = FlushSchedule.objects.filter(pk=1).filter(Q(due_at__isnull=True) | Q(due_at__lt=stale)).update(
        due_at=now + datetime.timedelta(seconds=delay))
    if won:
        flush_dirty = _task(FLUSH_DIRTY_TASK)
        transaction.on_commit(lambda: flush_dirty.apply_async(countdown=delay))
    return bool(won)


def claim_dirty() -> tuple[list[int], datetime.datetime]:
    """Clear the pending mark and return (dirty member ids, the cutoff to release them with)."""
    cutoff = timezone.now()
    FlushSchedule.objects.filter(pk=1).update(due_at=None)
    ids = list(DirtyMember.objects.filter(marked_at__lte=cutoff).values_list("member_id", flat=True))
    return ids, cutoff


def release_dirty(member_ids, cutoff) -> None:
    """Members marked again after ``cutoff`` stay dirty for the next flush."""
    DirtyMember.objects.filter(member_id__in=list(member_ids), marked_at__lte=cutoff).delete()
