"""What organizational life puts in a person's calendar: the activities they are expected at, the activities
and plan-slot deadlines of the units they manage."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from lms.common import calendar
from lms.org.scope import member_of

from . import access
from .models import Activity, PlanSlot


def _activity_event(activity: Activity) -> calendar.Event:
    return calendar.Event(uid=f"activity-{activity.pk}", title=activity.title, start=activity.starts_at,
                          end=activity.ends_at, kind="activity", url=activity.get_absolute_url(),
                          location=activity.place or activity.online_url,
                          description=f"{activity.kind.name}\n{activity.agenda}".strip())


def activity_events(user, start: datetime.datetime, end: datetime.datetime):
    member = member_of(user)
    mine = Activity.objects.none()
    if member is not None:
        mine = Activity.objects.filter(attendances__member=member)
    managed = Activity.objects.filter(access.managed_q(user)) if access.manageable_units(user).exists() else \
        Activity.objects.none()
    qs = (Activity.objects.filter(pk__in=(mine | managed).values("pk"))
          .exclude(status=Activity.Status.CANCELLED).filter(starts_at__lt=end, ends_at__gt=start)
          .select_related("kind").order_by("starts_at"))
    return [_activity_event(a) for a in qs[:2000]]


def slot_events(user, start: datetime.datetime, end: datetime.datetime):
    """Deadlines of unheld plan slots of the units the user manages (one all-day event on the last day)."""
    if not access.manageable_units(user).exists():
        return []
    qs = (PlanSlot.objects.filter(access.managed_q(user), window_end__gte=start.date(), window_end__lt=end.date(),
                                  activity__isnull=True).select_related("kind", "unit").order_by("window_end"))
    return [calendar.Event(uid=f"slot-{s.pk}", title=_("Due: %(kind)s (%(unit)s)") % {"kind": s.kind.name,
                                                                                         "unit": s.unit.name},
                           start=s.window_end, end=s.window_end + datetime.timedelta(days=1), kind="plan_slot",
                           url="/activities/plan/") for s in qs[:2000]]


def register_sources() -> None:
    calendar.register("activities", activity_events, order=10)
    calendar.register("plan_slots", slot_events, order=20)
