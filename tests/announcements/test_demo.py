"""The demo: the committee's announcement to everyone (to confirm next week) and 第一党支部's, some read/confirmed."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lms.announcements import demo
from lms.announcements.models import Announcement, Recipient
from lms.site.management.commands.seed_demo import Command

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_the_demo_announcements():
    with time_machine.travel(datetime.datetime(2026, 11, 30, 10, tzinfo=TZ), tick=False):
        Command(stdout=io.StringIO()).seed_org()
        summary = demo.seed()
        assert summary["announcements"] == 2 and summary["confirmed"] == 4 and summary["read"] == 2
        assert demo.seed() == {"skipped": True}  # safe to run twice
        committee = Announcement.objects.get(requires_confirmation=True)
        assert committee.confirm_by.astimezone(TZ) == datetime.datetime(2026, 12, 7, 18, tzinfo=TZ)
        everyone = Recipient.objects.filter(announcement=committee)
        assert everyone.filter(member__employee_no="D2001").exists() and everyone.count() > 20
        assert everyone.filter(confirmed_at__isnull=False).count() == 4
        branch = Announcement.objects.get(requires_confirmation=False)
        assert branch.target_unit.name == "第一党支部"
        assert not Recipient.objects.filter(announcement=branch, member__employee_no="D2001").exists()
        assert Recipient.objects.filter(announcement=branch, member__employee_no="D1003", read_at__isnull=True).exists()
