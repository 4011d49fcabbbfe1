"""What training puts in a member's calendar: the due dates of their open assignments, as all-day events."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.common import calendar
from lms.org.scope import member_of

from .models import Assignment

LIMIT = 2000


def _days(start: datetime.datetime, end: datetime.datetime) -> tuple[datetime.date, datetime.date]:
    """The local days an all-day event may fall on to overlap [start, end): first included, last excluded."""
    first, last = timezone.localtime(start), timezone.localtime(end)
    stop = last.date() if last.time() == datetime.time.min else last.date() + datetime.timedelta(days=1)
    return first.date(), stop


def assignment_events(user, start: datetime.datetime, end: datetime.datetime):
    member = member_of(user)
    if member is None:
        return []
    first, stop = _days(start, end)
    # Completed and withdrawn assignments ask nothing more of the member, so only open ones are shown.
    qs = (Assignment.objects.filter(member=member, status=Assignment.Status.ACTIVE, due_on__gte=first,
                                    due_on__lt=stop)
          .select_related("course").order_by("due_on", "pk"))
    url = reverse("training:training-my-assignments")
    events = []
    for a in qs[:LIMIT]:
        description = a.rule_name if a.source == Assignment.Source.RULE else a.note
        events.append(calendar.Event(
            uid=f"training-assignment-{a.pk}", title=_("Due: %(course)s") % {"course": a.course.title},
            start=a.due_on, end=a.due_on + datetime.timedelta(days=1), kind="training_due", url=url,
            description=description))
    return events


def register_sources() -> None:
    calendar.register("training_due", assignment_events, order=30)
