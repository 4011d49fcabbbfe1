"""Generating the year's plan: one slot per required occurrence of each kind, for each branch (and each party
group for group meetings). Idempotent: existing slots are kept, missing ones added; set-based for many units."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from lms.org.models import OrgUnit

from .models import PlanSlot, PlanUnit
from .rules import KindRule, rules_for, windows

BRANCH_KINDS = (OrgUnit.Kind.BRANCH, OrgUnit.Kind.GENERAL_BRANCH)
GROUP_KINDS = (OrgUnit.Kind.GROUP,)
BATCH = 5000


class SlotState:
    HELD = "held"
    SCHEDULED = "scheduled"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"


def plans_unit(unit_kind: str, rule: KindRule) -> bool:
    if rule.plan_unit == PlanUnit.GROUP:
        return unit_kind in GROUP_KINDS
    return unit_kind in BRANCH_KINDS


def _slots_for(unit_id: int, unit_kind: str, year: int, rules: list[KindRule], since: datetime.date | None):
    for rule in rules:
        if not plans_unit(unit_kind, rule):
            continue
        seq = 0
        for start, end in windows(rule.period, year):
            for _n in range(max(rule.min_count, 0)):
                seq += 1
                if since is not None and end < since:
                    continue  # the unit did not exist yet while this window was open
                yield PlanSlot(unit_id=unit_id, kind_id=rule.kind_id, year=year, seq=seq,
                               window_start=max(start, since) if since and since <= end else start,
                               window_end=end)


def generate_plans(year: int, units=None, *, since: datetime.date | None = None) -> int:
    """Create the missing slots of ``year`` for ``units`` (ids or units; default: every branch and group).
    ``since``: the units were created that day, so windows already closed are skipped. Returns slots created."""
    rules = rules_for(year)
    if units is None:
        rows = list(OrgUnit.objects.filter(kind__in=BRANCH_KINDS + GROUP_KINDS).values_list("pk", "kind"))
    else:
        ids = [getattr(u, "pk", u) for u in units]
        rows = list(OrgUnit.objects.filter(pk__in=ids).values_list("pk", "kind"))
    before = PlanSlot.objects.filter(year=year).count()
    batch: list[PlanSlot] = []
    for unit_id, unit_kind in rows:
        batch.extend(_slots_for(unit_id, unit_kind, year, rules, since))
        if len(batch) >= BATCH:
            _insert(batch)
            batch = []
    if batch:
        _insert(batch)
    # bulk_create with ignore_conflicts returns every object it was given, so count what the table gained.
    return PlanSlot.objects.filter(year=year).count() - before


def _insert(batch: list[PlanSlot]) -> None:
    with transaction.atomic():
        PlanSlot.objects.bulk_create(batch, ignore_conflicts=True, batch_size=BATCH)


def slot_state(slot: PlanSlot, today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    activity = slot.activity
    if activity is not None and activity.status == activity.Status.HELD:
        return SlotState.HELD
    if activity is not None and activity.status == activity.Status.SCHEDULED and today <= slot.window_end:
        return SlotState.SCHEDULED
    if today > slot.window_end:
        return SlotState.OVERDUE
    return SlotState.UPCOMING
