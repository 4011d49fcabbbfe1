"""Reminders and escalation, exactly once, with time travel."""

import datetime

import pytest

from lms.activities import reminders
from lms.activities.plans import generate_plans
from lms.activities.services import schedule
from lms.notifications.models import Notification

from .conftest import aware, kind

pytestmark = pytest.mark.django_db


def notices(member, kind_=None):
    qs = Notification.objects.filter(recipient=member.user)
    if kind_:
        qs = qs.filter(kind=kind_)
    return list(qs.order_by("pk").values_list("kind", "title"))


def test_attendees_are_reminded_a_day_and_an_hour_before_once_each(lecture, people):
    assert reminders.run(now=aware(2026, 5, 18, 14))["attendees"] == 0  # two days before: nothing yet
    assert reminders.run(now=aware(2026, 5, 19, 15))["attendees"] == 4
    assert reminders.run(now=aware(2026, 5, 19, 16))["attendees"] == 0
    assert reminders.run(now=aware(2026, 5, 20, 13, 10))["attendees"] == 4
    assert reminders.run(now=aware(2026, 5, 20, 13, 20))["attendees"] == 0
    assert [t for _k, t in notices(people["m1"], "activities.reminder")] == ["Tomorrow: 五月专题党课",
                                                                            "In an hour: 五月专题党课"]
    assert notices(people["m2"], "activities.reminder") == []  # another branch


def test_the_organizer_is_told_three_days_before_when_there_is_no_agenda(org, people):
    schedule(user=people["sec2"].user, kind=kind("theme_day"), unit=org["branch2"], title="主题党日",
             starts_at=aware(2026, 5, 20, 9), ends_at=aware(2026, 5, 20, 11))
    assert reminders.run(now=aware(2026, 5, 16, 9))["organizers"] == 0
    assert reminders.run(now=aware(2026, 5, 17, 10))["organizers"] == 1  # sec2 created it and is its secretary
    assert reminders.run(now=aware(2026, 5, 18, 10))["organizers"] == 0
    assert notices(people["sec2"], "activities.prepare") == [("activities.prepare", "No agenda yet: 主题党日")]


def test_slots_closing_unheld_remind_the_secretary_then_escalate_once(org, people):
    generate_plans(2026, [org["branch2"]])
    # Q2's 党课 window closes on 30 June; nothing is scheduled.
    reminders.run(now=aware(2026, 6, 23, 9))
    reminders.run(now=aware(2026, 6, 29, 9))
    reminders.run(now=aware(2026, 6, 29, 18))
    due = [t for _k, t in notices(people["sec2"], "activities.slot_due") if t.startswith("党课")]
    assert due == ["党课 due by 2026-06-30", "党课 due by 2026-06-30"]  # 7 days and 1 day before, once each
    at_risk = [t for _k, t in notices(people["hr"], "activities.slot_at_risk")]
    assert at_risk.count("At risk: 第二党支部 党课") == 1  # the committee, once, the day before it closes
    first = reminders.run(now=aware(2026, 7, 1, 9))
    again = reminders.run(now=aware(2026, 7, 2, 9))
    assert first["escalations"] >= 1 and again["escalations"] == 0
    overdue = [t for _k, t in notices(people["hr"], "activities.slot_overdue")]
    assert overdue.count("Overdue: 第二党支部 党课") == 2  # Q1 (closed 31 March) and Q2, each once
    assert notices(people["sec1"], "activities.slot_due") == []  # not their branch


def test_a_scheduled_or_held_slot_is_not_chased(org, people):
    generate_plans(2026, [org["branch2"]])
    schedule(user=people["sec2"].user, kind=kind("party_lecture"), unit=org["branch2"], title="二季度党课",
             starts_at=aware(2026, 6, 10, 9), ends_at=aware(2026, 6, 10, 11), agenda="学习")
    reminders.run(now=aware(2026, 6, 29, 9))
    assert not any(t.startswith("党课") for _k, t in notices(people["sec2"], "activities.slot_due"))


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


def test_run_reminders_task_settles_ended_live_sessions(org, people, time_machine):
    from lms.activities.attendance import live_heartbeat
    from lms.activities.models import Attendance
    from lms.activities.tasks import run_reminders

    live = schedule(user=people["hr"].user, kind=kind("central_training"), unit=org["root"], title="直播",
                    starts_at=aware(2026, 6, 1, 9), ends_at=aware(2026, 6, 1, 10),
                    stream_url="https://live.example.com/x.m3u8")
    for i in range(0, 3601, 15):
        live_heartbeat(live, people["m2"], now=aware(2026, 6, 1, 9) + datetime.timedelta(seconds=i))
    time_machine.move_to(aware(2026, 6, 1, 10, 15), tick=False)
    assert run_reminders()["live_settled"] == 1
    assert Attendance.objects.get(activity=live, member=people["m2"]).method == "live"
