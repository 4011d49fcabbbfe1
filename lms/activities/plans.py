"""Generating the year's plan: one slot per required occurrence of each kind, for each branch (and each party
group for group meetings). Idempotent: existing slots are kept, missing ones added; set-based for many units."""

from __future__ import annotations

import datetime

from django.db import connection, transaction
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


def _slot_rows(unit_kind: str, year: int, rules: list[KindRule], since: datetime.date | None) -> list[tuple]:
    """(kind id, seq, window start, window end) of every slot a unit of this kind gets: the same for all units of
    a kind, so computed once per kind, not per unit."""
    out = []
    for rule in rules:
        if not plans_unit(unit_kind, rule):
            continue
        seq = 0
        for start, end in windows(rule.period, year):
            for _n in range(max(rule.min_count, 0)):
                seq += 1
                if since is not None and end < since:
                    continue  # the unit did not exist yet while this window was open
                out.append((rule.kind_id, seq, max(start, since) if since and since <= end else start, end))
    return out


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
    per_kind = {kind: _slot_rows(kind, year, rules, since) for kind in {k for _u, k in rows}}
    if connection.vendor == "postgresql":
        with transaction.atomic():
            for kind, slots in per_kind.items():
                _insert_postgresql([u for u, k in rows if k == kind], year, slots)
        return PlanSlot.objects.filter(year=year).count() - before
    batch: list[tuple] = []
    with transaction.atomic():
        for unit_id, unit_kind in rows:
            batch.extend((unit_id, kind_id, year, seq, start, end) for kind_id, seq, start, end in per_kind[unit_kind])
            if len(batch) >= BATCH:
                _insert(batch)
                batch = []
        if batch:
            _insert(batch)
    return PlanSlot.objects.filter(year=year).count() - before


def _insert_postgresql(unit_ids: list[int], year: int, slots: list[tuple]) -> None:
    """Every unit × every slot of its kind in one statement per batch of units: PostgreSQL builds the rows."""
    if not unit_ids or not slots:
        return
    table = PlanSlot._meta.db_table
    values = ", ".join(["(%s, %s, %s::date, %s::date)"] * len(slots))
    params_slots = [v for slot in slots for v in slot]
    with connection.cursor() as cursor:
        for start in range(0, len(unit_ids), 5000):
            cursor.execute(
                f"INSERT INTO {table} (unit_id, kind_id, year, seq, window_start, window_end) "
                f"SELECT u.id, s.kind_id, %s, s.seq, s.ws, s.we FROM unnest(%s::integer[]) AS u(id) "
                f"CROSS JOIN (VALUES {values}) AS s(kind_id, seq, ws, we) ON CONFLICT DO NOTHING",
                [year, unit_ids[start:start + 5000], *params_slots])


INSERT_ROWS = 1000  # 6 parameters a row: within SQLite's limit of 32,766 per statement


def _insert(batch: list[tuple]) -> None:
    """Plain multi-row INSERTs, existing slots skipped (ON CONFLICT DO NOTHING: PostgreSQL and SQLite alike).
    Building 700,000 model instances for bulk_create was most of the time for 20,000 branches."""
    table = PlanSlot._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(batch), INSERT_ROWS):
            chunk = batch[start:start + INSERT_ROWS]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(f"INSERT INTO {table} (unit_id, kind_id, year, seq, window_start, window_end) "
                           f"VALUES {values} ON CONFLICT DO NOTHING", [v for row in chunk for v in row])


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
