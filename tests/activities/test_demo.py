"""The demo year: plans for every branch, 第一党支部 on track, 第二党支部 behind, a live training with a replay."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lms.activities import demo, selectors
from lms.activities.models import Activity, Attendance, PlanSlot
from lms.notifications.models import Notification
from lms.org.models import OrgUnit
from lms.records.models import StudyHourEntry
from lms.site.management.commands.seed_demo import Command

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_the_demo_year_has_held_and_overdue_slots_a_live_session_and_credits():
    with time_machine.travel(datetime.datetime(2026, 11, 30, 10, tzinfo=TZ), tick=False):
        Command(stdout=io.StringIO()).seed_org()
        summary = demo.seed()
        assert summary["slots"] > 0 and summary["held"] >= 10
        assert demo.seed() == {"skipped": True}  # safe to run twice
        b1, b2 = OrgUnit.objects.get(name="第一党支部"), OrgUnit.objects.get(name="第二党支部")
        plans = selectors.plan_completion(OrgUnit.get_root_nodes().first().subtree_q("unit__"),
                                          datetime.date(2026, 1, 1), datetime.date(2026, 12, 31),
                                          datetime.date(2026, 11, 30))
        assert plans[b1.pk].by_kind["party_lecture"] == (3, 4)
        assert plans[b2.pk].by_kind["party_lecture"] == (1, 4) and plans[b2.pk].overdue > plans[b1.pk].overdue
        held = selectors.held_activities(b1.subtree_q("unit__"), datetime.date(2026, 1, 1),
                                         datetime.date(2026, 12, 31))
        lecture = next(a for a in held if a.kind_code == "party_lecture")
        assert lecture.has_minutes and lecture.leave == 1 and lecture.attended == lecture.expected - 2
        live = Activity.objects.get(title__startswith="全体党员集中培训")
        assert live.replay_talk_id is None or live.replay_talk_id > 0
        assert Attendance.objects.filter(activity=live, method="live").count() == 5
        running = Activity.objects.get(title__startswith="专题党课：学习贯彻党章")
        assert running.starts_at < datetime.datetime(2026, 11, 30, 10, tzinfo=TZ) < running.ends_at
        assert PlanSlot.objects.filter(activity=running).exists()
        assert StudyHourEntry.objects.filter(source="activity", member__employee_no="D1003").exists()
        assert Notification.objects.filter(kind="activities.slot_overdue", recipient__member__employee_no="D9001"
                                           ).exists()
