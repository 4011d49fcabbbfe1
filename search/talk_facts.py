"""What search needs to know about every talk — who may see it and its facet values — kept in memory.

A search can match most of the talks in the library; reading their visibility and facet columns
from the database on every search cost more than the full-text lookup itself. Each process keeps
one snapshot and reloads it when ``SnapshotStamp("talks")`` changes (signals bump it whenever a talk
or category is saved or deleted). Visibility is then decided by content_library's ``TalkScope``.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass

from django.db import connection

STAMP = "talks"
# Saves touching only these Talk fields (the media pipeline's progress) leave the snapshot valid.
IRRELEVANT_FIELDS = frozenset({
    "status", "progress", "error", "notice", "heartbeat_at", "pipeline_run", "processed_at", "updated_at",
    "media_info", "duration", "source_name", "source_size", "has_video", "poster", "captions",
    "detected_language", "asr_model", "asr_settings",
})


@dataclass(frozen=True, slots=True)
class TalkFacts:
    title: str
    visibility: str
    org_unit_id: int | None
    created_by_id: int | None
    speaker: str
    year: int | None
    categories: tuple[tuple[str, str], ...]  # ((slug, name),) or ()


@dataclass(frozen=True)
class Snapshot:
    token: str | None
    talks: dict[int, TalkFacts]


_lock = threading.Lock()
_snapshot: Snapshot | None = None


def _stamp_table() -> str:
    from .models import SnapshotStamp

    return connection.ops.quote_name(SnapshotStamp._meta.db_table)


def current_token() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {_stamp_table()} WHERE name = %s", [STAMP])
        row = cursor.fetchone()
    return row[0] if row else None


def bump() -> None:
    """Invalidate every process's snapshot (called in the transaction that changes the data)."""
    from .models import SnapshotStamp

    token = uuid.uuid4().hex
    if not SnapshotStamp.objects.filter(name=STAMP).update(token=token):
        SnapshotStamp.objects.update_or_create(name=STAMP, defaults={"token": token})


def _year(text) -> int | None:
    text = str(text or "")
    return int(text[:4]) if text[:4].isdigit() else None


def _load(token: str | None) -> Snapshot:
    from django.db.models import CharField
    from django.db.models.functions import Cast, Coalesce, Substr

    from content_library.models import Category, Talk

    categories = {pk: ((slug, name),) for pk, slug, name in Category.objects.values_list("pk", "slug", "name")}
    # The year as text: typed date columns would be parsed in Python for every row.
    year = Substr(Coalesce(Cast("recorded_on", CharField()), Cast("created_at", CharField())), 1, 4)
    rows = Talk.objects.order_by().annotate(_year=year).values_list(
        "pk", "title", "visibility", "org_unit_id", "created_by_id", "speaker", "_year", "category_id")
    talks = {
        pk: TalkFacts(title, visibility, unit, creator, speaker or "", _year(y), categories.get(cat, ()))
        for pk, title, visibility, unit, creator, speaker, y, cat in rows.iterator(chunk_size=5000)
    }
    return Snapshot(token=token, talks=talks)


def snapshot() -> Snapshot:
    """The facts of every talk, current as of the stamp read now. Without a stamp (a freshly flushed
    database) nothing can tell a stale copy apart, so it is read afresh."""
    global _snapshot
    token = current_token()
    snap = _snapshot
    if token is not None and snap is not None and snap.token == token:
        return snap
    with _lock:
        snap = _load(token)
        if token is not None:
            _snapshot = snap
    return snap


def on_talk_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not (set(update_fields) - IRRELEVANT_FIELDS):
        return
    bump()


def on_changed(sender, **kwargs):
    bump()
