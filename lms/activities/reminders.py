"""Reminders and escalation, each sent exactly once: whoever sets a stamp with a conditional UPDATE sends that
notice, and notification keys make a retried run harmless as well.

- attendees: 1 day and 1 hour before an activity;
- the organizer: 3 days before, when no agenda is written yet;
- the branch secretary: 7 days and 1 day before a plan slot's window closes with nothing held or scheduled;
- the committee (HR of the organization) the day before such a window closes (at risk), and once it has closed
  with the slot unheld.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.notifications.services import Notice, notify_many
from lms.org.models import Member, OrgUnit, Role

from .models import Activity, Attendance, PlanSlot

ATTENDEE_STAGES = (("1d", datetime.timedelta(days=1), "reminded_1d_at"),
                   ("1h", datetime.timedelta(hours=1), "reminded_1h_at"))
ORGANIZER_AHEAD = datetime.timedelta(days=3)
SLOT_STAGES = (("7d", 7, "reminded_7d_at"), ("1d", 1, "reminded_1d_at"))


def run(now: datetime.datetime | None = None) -> dict:
    now = now or timezone.now()
    counts = {"attendees": 0, "organizers": 0, "slot_reminders": 0, "escalations": 0}
    for stage, ahead, stamp in ATTENDEE_STAGES:
        counts["attendees"] += _remind_attendees(now, stage, ahead, stamp)
    counts["organizers"] = _remind_organizers(now)
    today = timezone.localdate(now)
    for stage, days, stamp in SLOT_STAGES:
        counts["slot_reminders"] += _remind_slots(now, today, stage, days, stamp)
    counts["escalations"] = _escalate(now, today)
    return counts


def _claim(model, ids, stamp: str, now) -> list[int]:
    """Set the stamp on the rows still without one and return those: a concurrent run claims the others."""
    ids = list(ids)
    if not ids:
        return []
    model.objects.filter(pk__in=ids, **{f"{stamp}__isnull": True}).update(**{stamp: now})
    return list(model.objects.filter(pk__in=ids, **{stamp: now}).values_list("pk", flat=True))


def _when(activity: Activity) -> str:
    return timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M")


def _remind_attendees(now, stage: str, ahead: datetime.timedelta, stamp: str) -> int:
    due = Activity.objects.filter(status=Activity.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + ahead,
                                  **{f"{stamp}__isnull": True}).values_list("pk", flat=True)
    sent = 0
    for activity in Activity.objects.filter(pk__in=_claim(Activity, list(due), stamp, now)):
        users = (Attendance.objects.filter(activity=activity, status=Attendance.Status.EXPECTED,
                                           member__user__isnull=False)
                 .values_list("member__user_id", flat=True))
        title = (_("Tomorrow: %(title)s") if stage == "1d" else _("In an hour: %(title)s")) % {"title": activity.title}
        body = _("%(when)s, %(place)s") % {"when": _when(activity),
                                           "place": activity.place or activity.online_url or _("online")}
        sent += notify_many([Notice(u, "activities.reminder", title, body, activity.get_absolute_url(),
                                    key=f"activity:{activity.pk}:{stage}") for u in users])
    return sent


def _secretaries(units: list[OrgUnit]) -> dict[int, list[int]]:
    """User ids of the branch secretaries responsible for each unit (a group's is its branch's)."""
    branch_of = {u.pk: u.branch() for u in units}
    rows = Member.objects.filter(org_unit__in={b.pk for b in branch_of.values()}, is_active=True,
                                 member_roles__role__code=Role.BRANCH_SECRETARY, user__isnull=False
                                 ).values_list("org_unit_id", "user_id")
    by_branch: dict[int, list[int]] = {}
    for unit_id, user_id in rows:
        by_branch.setdefault(unit_id, []).append(user_id)
    return {uid: by_branch.get(branch.pk, []) for uid, branch in branch_of.items()}


def _committee(units: list[OrgUnit]) -> dict[int, list[int]]:
    """User ids of HR (the organization department, for the committee) at the top of each unit's tree."""
    roots = {u.pk: u.path[:OrgUnit.steplen] for u in units}
    rows = Member.objects.filter(is_active=True, member_roles__role__code=Role.HR, user__isnull=False
                                 ).values_list("org_unit__path", "user_id")
    by_root: dict[str, list[int]] = {}
    for path, user_id in rows:
        by_root.setdefault(path[:OrgUnit.steplen], []).append(user_id)
    return {uid: by_root.get(root, []) for uid, root in roots.items()}


def _remind_organizers(now) -> int:
    due = (Activity.objects.filter(status=Activity.Status.SCHEDULED, starts_at__gt=now,
                                   starts_at__lte=now + ORGANIZER_AHEAD, organizer_reminded_at__isnull=True)
           .filter(Q(agenda="") | Q(agenda__isnull=True)).values_list("pk", flat=True))
    activities = list(Activity.objects.filter(pk__in=_claim(Activity, list(due), "organizer_reminded_at", now))
                      .select_related("unit"))
    secretaries = _secretaries([a.unit for a in activities])
    notices = []
    for activity in activities:
        users = set(secretaries.get(activity.unit_id, []))
        if activity.created_by_id:
            users.add(activity.created_by_id)
        notices += [Notice(u, "activities.prepare", _("No agenda yet: %(title)s") % {"title": activity.title},
                           _("It takes place %(when)s; add the agenda so attendees can prepare.") % {
                               "when": _when(activity)},
                           activity.get_absolute_url(), key=f"activity:{activity.pk}:prepare") for u in users]
    return notify_many(notices)


def _open_slots(today):
    """Slots with nothing held; ``scheduled`` ones have an activity planned inside or after the window."""
    return PlanSlot.objects.filter(Q(activity__isnull=True) | ~Q(activity__status=Activity.Status.HELD))


def _remind_slots(now, today, stage: str, days: int, stamp: str) -> int:
    due = (_open_slots(today).filter(activity__isnull=True, window_end__gte=today,
                                     window_end__lte=today + datetime.timedelta(days=days),
                                     **{f"{stamp}__isnull": True}).values_list("pk", flat=True))
    slots = list(PlanSlot.objects.filter(pk__in=_claim(PlanSlot, list(due), stamp, now)).select_related("unit",
                                                                                                         "kind"))
    secretaries = _secretaries([s.unit for s in slots])
    # The day before a window closes the slot is at risk: the committee hears of it too, while it can still act.
    committee = _committee([s.unit for s in slots]) if stage == "1d" else {}
    notices = []
    for slot in slots:
        title = _("%(kind)s due by %(date)s") % {"kind": slot.kind.name, "date": slot.window_end.isoformat()}
        body = _("%(unit)s has not held or scheduled its %(kind)s for this period.") % {
            "unit": slot.unit.name, "kind": slot.kind.name}
        notices += [Notice(u, "activities.slot_due", title, body, "/activities/plan/",
                           key=f"slot:{slot.pk}:{stage}") for u in secretaries.get(slot.unit_id, [])]
        notices += [Notice(u, "activities.slot_at_risk", _("At risk: %(unit)s %(kind)s") % {
            "unit": slot.unit.name, "kind": slot.kind.name}, body, "/activities/plan/",
            key=f"slot:{slot.pk}:at-risk") for u in committee.get(slot.unit_id, [])]
    return notify_many(notices)


def _escalate(now, today) -> int:
    due = _open_slots(today).filter(window_end__lt=today, escalated_at__isnull=True).values_list("pk", flat=True)
    slots = list(PlanSlot.objects.filter(pk__in=_claim(PlanSlot, list(due), "escalated_at", now)).select_related(
        "unit", "kind"))
    committee = _committee([s.unit for s in slots])
    notices = []
    for slot in slots:
        title = _("Overdue: %(unit)s %(kind)s") % {"unit": slot.unit.name, "kind": slot.kind.name}
        body = _("The window %(start)s – %(end)s closed without the %(kind)s being held.") % {
            "start": slot.window_start.isoformat(), "end": slot.window_end.isoformat(), "kind": slot.kind.name}
        notices += [Notice(u, "activities.slot_overdue", title, body, "/activities/plan/",
                           key=f"slot:{slot.pk}:overdue") for u in committee.get(slot.unit_id, [])]
    return notify_many(notices)
