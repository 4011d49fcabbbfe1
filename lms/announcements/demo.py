"""Demo announcements (run by ``seed_demo``; safe to run twice): the committee (HR, for it) asks every member to
read and confirm the year's study arrangements by next week; the secretary of 第一党支部 tells the branch about
this month's theme day. A few members have read or confirmed."""

from __future__ import annotations

import datetime

from django.utils import timezone

from lms.org.models import Member, OrgUnit

from . import services
from .models import Announcement, Recipient

DEMO_ORDER = 50
MARKER = "（示例）"

COMMITTEE_BODY = """各党支部、全体党员：

为做好本年度党员教育培训工作，现将有关安排通知如下：
一、每名党员全年参加集中学习培训不少于32学时，其中网络学习不少于16学时。
二、各党支部按“三会一课”要求组织学习，专题党课每季度不少于一次。
三、请全体党员认真阅读本通知及附件，并在截止时间前点击“我已阅读并确认”。

公司党委"""

BRANCH_BODY = """本月主题党日活动定于本周五下午在三楼会议室举行，内容为学习党章党规、交流学习体会。
请支部全体党员准时参加，因故不能参加的请提前向支部书记请假。"""


def seed() -> dict:
    if Announcement.objects.filter(title__endswith=MARKER).exists():
        return {"skipped": True}
    root = OrgUnit.get_root_nodes().first()
    branch1 = OrgUnit.objects.filter(name="第一党支部").first()
    people = {m.employee_no: m for m in Member.objects.filter(employee_no__in=["D1001", "D1003", "D1004", "D2001",
                                                                              "D2003", "D9001"])
              .select_related("user")}
    if root is None or branch1 is None or not {"D1001", "D9001"} <= set(people):
        return {"skipped": True, "reason": "demo organization missing"}
    now = timezone.now()
    committee = services.publish(
        user=people["D9001"].user, title="关于做好本年度党员教育培训工作的通知" + MARKER, body=COMMITTEE_BODY,
        target_unit=root, requires_confirmation=True,
        confirm_by=timezone.localtime(now).replace(hour=18, minute=0, second=0, microsecond=0)
        + datetime.timedelta(days=7), now=now - datetime.timedelta(days=1))
    branch = services.publish(
        user=people["D1001"].user, title="本月主题党日活动安排" + MARKER, body=BRANCH_BODY, target_unit=branch1,
        now=now - datetime.timedelta(hours=3))
    done = {"read": 0, "confirmed": 0}
    for emp in ("D1001", "D1004", "D2001", "D9001"):  # read and confirmed the committee's announcement
        receipt = Recipient.objects.filter(announcement=committee, member=people.get(emp)).first()
        if receipt is not None:
            receipt.announcement = committee
            services.confirm(receipt, now=now - datetime.timedelta(hours=5))
            done["confirmed"] += 1
    for emp in ("D1003", "D2003"):  # read it, not yet confirmed
        receipt = Recipient.objects.filter(announcement=committee, member=people.get(emp)).first()
        if receipt is not None:
            services.mark_read(receipt, now=now - datetime.timedelta(hours=2))
            done["read"] += 1
    for emp in ("D1001", "D1004"):
        receipt = Recipient.objects.filter(announcement=branch, member=people.get(emp)).first()
        if receipt is not None:
            services.mark_read(receipt, now=now - datetime.timedelta(hours=1))
    return {"announcements": 2, "recipients": Recipient.objects.filter(announcement__in=[committee, branch]).count(),
            **done}
