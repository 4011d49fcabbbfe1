"""Demo points (run by ``seed_demo`` after the learning, quiz and organizational-life demos; safe to run twice):
the study-hour credits and attendance already in the demo earn their points (as the handlers would have), the
members of the demo branches studied 30 minutes on most of the last three weeks, and one member hides their name
on leaderboards."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from lms.activities.models import ATTENDED, Attendance
from lms.org.models import Member
from lms.records.models import StudyHourEntry

from . import events, services
from .models import Action

DEMO_ORDER = 40
STUDY_DAYS = 21


def seed() -> dict:
    credited = 0
    sources = {k: v for k, v in events.LEDGER_ACTIONS.items() if v != Action.ACTIVITY}
    for e in (StudyHourEntry.objects.filter(source__in=list(sources), reverses__isnull=True,
                                            reversed_by__isnull=True).exclude(reference="").order_by("date", "id")):
        done = services.credit(e.member_id, sources[e.source], e.reference.split("#", 1)[0], title=e.title,
                               when=e.date)
        credited += sum(created for _entry, created in done)
    for att_id in Attendance.objects.filter(status__in=ATTENDED).values_list("pk", flat=True):
        credited += len(events.sync_attendance(att_id))
    today = timezone.localdate()
    members = list(Member.objects.filter(is_active=True, employee_no__startswith="D").order_by("employee_no"))
    for member in members:
        rng = random.Random(member.employee_no)  # the same days on every run
        for back in range(STUDY_DAYS):
            if rng.random() < 0.65:
                day = today - datetime.timedelta(days=back)
                done = services.credit(member.pk, Action.STUDY, f"study:{day.isoformat()}", when=day,
                                       minutes=30 + rng.randrange(40))
                credited += sum(created for _entry, created in done)
    hidden = Member.objects.filter(employee_no="D1003").first()
    if hidden is not None:
        services.set_hide_name(hidden, True)
    return {"credited": credited, "members": len(members)}
