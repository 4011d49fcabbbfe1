"""Stable identifiers that survive a move between sites, for rows whose tables only have local numbers.

An activity is named by a UUID derived from its unit, kind, start and title; a ledger entry by its member, source
and reference; a reference that points at a local row (``course:12``) is written with that row's stable
identifier instead (``course:<uuid>``) and turned back into the local number on import.
"""

from __future__ import annotations

import datetime
import re
import uuid

from lms.activities.models import Activity
from lms.catalog.models import CoursePage, LessonPage
from lms.records.models import StudyHourEntry

from .base import unit_id

# uuid5 namespace of activity identifiers (a fixed, published value: docs/data-standard.md).
ACTIVITY_NAMESPACE = uuid.UUID("6f1d4a52-4b1e-5c3a-9d7e-2a8c0b1e9f30")
REVERSAL = "|reversal"
# Ledger sources whose references name a local row, and that row's table.
LOCAL_REFERENCE = re.compile(r"^(course|lesson|activity):([0-9a-f-]+)(#\d+)?$")


def activity_id(unit: str, kind: str, starts_at: datetime.datetime, title: str) -> str:
    instant = starts_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(uuid.uuid5(ACTIVITY_NAMESPACE, "\n".join((unit, kind, instant, title))))


def _activity_key(pk: int) -> str | None:
    a = Activity.objects.filter(pk=pk).select_related("unit", "kind").first()
    return activity_id(unit_id(a.unit), a.kind.code, a.starts_at, a.title) if a else None


class ReferenceMap:
    """Local ⇄ stable references of ledger entries, with the lookups of one export or import cached."""

    def __init__(self, activities: dict[str, int] | None = None):
        self.cache: dict[tuple[str, str], str | None] = {}
        self.activities = activities if activities is not None else {}  # stable id → local pk (import)

    def out(self, source: str, reference: str) -> str:
        m = LOCAL_REFERENCE.match(reference or "")
        if not m or m.group(1) != source or not m.group(2).isdigit():
            return reference
        key = ("out", reference)
        if key not in self.cache:
            kind, pk = m.group(1), int(m.group(2))
            if kind == "activity":
                stable = _activity_key(pk)
            else:
                model = CoursePage if kind == "course" else LessonPage
                stable = model.objects.filter(pk=pk).values_list("translation_key", flat=True).first()
            self.cache[key] = str(stable) if stable else None
        stable = self.cache[key]
        return f"{m.group(1)}:{stable}{m.group(3) or ''}" if stable else reference

    def into(self, source: str, reference: str) -> str:
        m = LOCAL_REFERENCE.match(reference or "")
        if not m or m.group(1) != source or m.group(2).isdigit():
            return reference
        key = ("in", reference)
        if self.cache.get(key) is None:  # a miss is asked again: the import may have made the row since
            kind, stable = m.group(1), m.group(2)
            if kind == "activity":
                pk = self.activities.get(stable)
            else:
                model = CoursePage if kind == "course" else LessonPage
                pk = model.objects.filter(translation_key=stable).values_list("pk", flat=True).first() \
                    if _is_uuid(stable) else None
            self.cache[key] = str(pk) if pk else None
        pk = self.cache[key]
        # A reference to something not on this site stays in its stable form: still unique, still idempotent.
        return f"{m.group(1)}:{pk}{m.group(3) or ''}" if pk else reference


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def credit_id(employee_no: str, source: str, reference: str) -> str:
    return f"{employee_no}|{source}|{reference}"


def stable_reference(entry: StudyHourEntry, refs: ReferenceMap) -> str:
    # An entry recorded without a reference (before references were required) gets one from its local number.
    return refs.out(entry.source, entry.reference) if entry.reference else f"legacy:{entry.pk}"


def entry_ids(pks, refs: ReferenceMap | None = None) -> dict[int, str]:
    """The stable identifiers of the ledger entries ``pks``."""
    refs = refs or ReferenceMap()
    out = {}
    entries = StudyHourEntry.objects.filter(pk__in=list(pks)).select_related("member", "reverses")
    for e in entries:
        original = e.reverses if e.reverses_id else e
        ident = credit_id(e.member.employee_no, original.source, stable_reference(original, refs))
        out[e.pk] = ident + REVERSAL if e.reverses_id else ident
    return out
