"""Reads of organizational life for other apps (reports, archives, the API): set-based, one query per figure,
so a branch ledger of twenty thousand branches is a handful of grouped queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate
from django.utils import timezone

from lms.org.models import Member

from .models import ATTENDED, Activity, ActivityKind, Attendance, Minutes, PlanSlot


@dataclass(slots=True)
class HeldActivity:
    id: int
    unit_id: int
    kind_code: str
    kind_name: str
    title: str
    start_ts: int  # seconds since the epoch: ordering without a timezone-aware datetime per row
    minutes: int  # how long it lasted
    expected: int
    attended: int
    leave: int
    has_minutes: bool
    lecturer: str = ""
    place: str = ""
    guests: int = 0
    day: datetime.date | None = None  # the local date it started

    @property
    def attendance_rate(self) -> float | None:
        return self.attended / self.expected if self.expected else None



@dataclass
class UnitPlan:
    unit_id: int
    by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind code → (held, required)
    overdue: int = 0

    @property
    def held(self) -> int:
        return sum(h for h, _r in self.by_kind.values())

    @property
    def required(self) -> int:
        return sum(r for _h, r in self.by_kind.values())


def kinds() -> list[ActivityKind]:
    return list(ActivityKind.objects.order_by("order", "code"))


def held_activities(unit_q: Q, start: datetime.date, end: datetime.date) -> list[HeldActivity]:
    """Activities recorded as held in [start, end] by the units matching ``unit_q`` (on ``unit__``). Attendance is
    counted in one grouped query beside the activities (not joined into them), minutes by EXISTS: a ledger of
    two hundred thousand activities stays a few seconds on PostgreSQL."""
    base = Activity.objects.filter(unit_q, status=Activity.Status.HELD, starts_at__date__gte=start,
                                   starts_at__date__lte=end)
    counts = {row[0]: row[1:] for row in (
        Attendance.objects.filter(activity__in=base.values("pk")).values("activity_id")
        .annotate(expected=Count("pk", filter=Q(is_guest=False)),
                  # Attended counts the expected attendees only, so the rate never passes 100 %; guests apart.
                  attended=Count("pk", filter=Q(status__in=ATTENDED, is_guest=False)),
                  leave=Count("pk", filter=Q(status=Attendance.Status.LEAVE)),
                  guests=Count("pk", filter=Q(status__in=ATTENDED, is_guest=True)))
        .order_by().values_list("activity_id", "expected", "attended", "leave", "guests"))}
    start_ts, minutes = _epoch_and_minutes()
    rows = (base.annotate(day=TruncDate("starts_at", tzinfo=timezone.get_current_timezone()),
                          start_ts=RawSQL(start_ts, ()), duration=RawSQL(minutes, ()),
                          has_minutes=Exists(Minutes.objects.filter(activity=OuterRef("pk"),
                                                                    submitted_at__isnull=False)))
            .values_list("pk", "unit_id", "kind__code", "kind__name", "title", "start_ts", "duration", "lecturer",
                         "place", "day", "has_minutes")
            .order_by("unit__path", "starts_at", "pk"))
    none = (0, 0, 0, 0)
    out = []
    for pk, unit_id, code, name, title, ts, length, lecturer, place, day, recorded in rows.iterator(chunk_size=5000):
        expected, attended, leave, guests = counts.get(pk, none)
        out.append(HeldActivity(pk, unit_id, code, name, title, int(ts), int(length), expected, attended, leave,
                                recorded, lecturer, place, guests, day))
    return out


def _epoch_and_minutes() -> tuple[str, str]:
    """SQL for the start as epoch seconds and the length in minutes: converting two timezone-aware datetimes per
    row was half the time of a two-hundred-thousand-row ledger."""
    table = connection.ops.quote_name(Activity._meta.db_table)
    start, end = f"{table}.{connection.ops.quote_name('starts_at')}", f"{table}.{connection.ops.quote_name('ends_at')}"
    if connection.vendor == "postgresql":
        return (f"CAST(EXTRACT(EPOCH FROM {start}) AS bigint)",
                f"CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS bigint) / 60")
    return (f"CAST(strftime('%%s', {start}) AS integer)",
            f"CAST(ROUND((julianday({end}) - julianday({start})) * 1440) AS integer)")


def plan_completion(unit_q: Q, start: datetime.date, end: datetime.date, today: datetime.date) -> dict[int, UnitPlan]:
    """Per unit and kind: slots whose window closes within [start, end], and how many of them were held."""
    rows = (PlanSlot.objects.filter(unit_q, window_end__gte=start, window_end__lte=end)
            .values("unit_id", "kind__code")
            .annotate(required=Count("pk"), held=Count("pk", filter=Q(activity__status=Activity.Status.HELD)),
                      overdue=Count("pk", filter=Q(window_end__lt=today) & (
                          Q(activity__isnull=True) | ~Q(activity__status=Activity.Status.HELD))))
            .order_by())
    out: dict[int, UnitPlan] = {}
    for row in rows:
        plan = out.setdefault(row["unit_id"], UnitPlan(row["unit_id"]))
        plan.by_kind[row["kind__code"]] = (row["held"], row["required"])
        plan.overdue += row["overdue"]
    return out


def attendance_by_member(member_q: Q, start: datetime.date, end: datetime.date) -> dict[int, dict[str, int]]:
    """Per member: expected, attended (of those expected), guest (attended without being expected), leave and
    absent counts over held activities in [start, end]."""
    rows = (Attendance.objects.filter(member_q, activity__status=Activity.Status.HELD,
                                      activity__starts_at__date__gte=start, activity__starts_at__date__lte=end)
            .values("member_id").annotate(
                expected=Count("pk", filter=Q(is_guest=False)),
                attended=Count("pk", filter=Q(status__in=ATTENDED, is_guest=False)),
                guest=Count("pk", filter=Q(status__in=ATTENDED, is_guest=True)),
                leave=Count("pk", filter=Q(status=Attendance.Status.LEAVE)),
                absent=Count("pk", filter=Q(status__in=(Attendance.Status.ABSENT, Attendance.Status.EXPECTED))))
            .order_by())
    return {r.pop("member_id"): r for r in rows}


@dataclass
class MemberActivity:
    activity_id: int
    title: str
    kind_name: str
    starts_at: datetime.datetime
    status: str
    status_label: str
    note: str


def member_record(member: Member, start: datetime.date, end: datetime.date) -> list[MemberActivity]:
    """The member's organizational life for the archive: activities held in [start, end] they were expected at
    or attended, with what became of them."""
    rows = (Attendance.objects.filter(member=member, activity__starts_at__date__gte=start,
                                      activity__starts_at__date__lte=end)
            .exclude(activity__status=Activity.Status.CANCELLED)
            .select_related("activity__kind").order_by("activity__starts_at"))
    return [MemberActivity(a.activity_id, a.activity.title, a.activity.kind.name, a.activity.starts_at,
                           a.status, str(Attendance.Status(a.status).label), a.note) for a in rows]
