"""Demo organizational life (run by ``seed_demo``; safe to run twice): this year's plan for every branch and
group; 第一党支部 has held most of its 三会一课 with attendance and minutes, 第二党支部 has fallen behind (overdue
slots, escalated to HR); a committee-wide live training whose replay is the sample talk 专题党课; one 党课 of
第一党支部 running today, so its sign-in QR code can be tried; reminders sent."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from content_library.models import Talk
from lms.org.models import Member, OrgUnit

from . import reminders, services
from .attendance import live_heartbeat
from .models import Activity, ActivityKind, Attendance, PlanSlot

DEMO_ORDER = 25
MARKER = "（示例）"
REPLAY_TITLE = "专题党课：新时代党员教育培训"


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _hold(slot: PlanSlot, secretary, title: str, day: datetime.date, absent=(), leave=()) -> Activity:
    activity = services.schedule(user=secretary.user, kind=slot.kind, unit=slot.unit, title=title + MARKER,
                                 starts_at=_at(day, 14), ends_at=_at(day, 16), place="党员活动室",
                                 agenda="1. 学习党章党规\n2. 交流研讨", lecturer=secretary.name, slot=slot)
    for att in activity.attendances.select_related("member"):
        no = att.member.employee_no
        status = "leave" if no in leave else "absent" if no in absent else "present"
        services.mark(activity, att.member, status, by=secretary.user, note="出差" if status == "leave" else "")
    services.save_minutes(activity, content=f"{title}：传达学习上级精神，党员结合工作交流发言。",
                          resolutions="按期完成本季度学习任务。", by=secretary.user, submit=True)
    return activity


def seed() -> dict:
    if Activity.objects.filter(title__endswith=MARKER).exists():
        return {"skipped": True}
    today = timezone.localdate()
    year = today.year
    slots = services.generate_plans(year)
    branch1 = OrgUnit.objects.filter(name="第一党支部").first()
    branch2 = OrgUnit.objects.filter(name="第二党支部").first()
    sec1 = Member.objects.filter(employee_no="D1001").select_related("user").first()
    sec2 = Member.objects.filter(employee_no="D2001").select_related("user").first()
    hr = Member.objects.filter(employee_no="D9001").select_related("user").first()
    if not (branch1 and branch2 and sec1 and sec2 and hr):
        return {"skipped": True, "reason": "demo organization missing"}
    held = 0
    # 第一党支部: every past lecture, assembly and most theme days held.
    for slot in PlanSlot.objects.filter(unit=branch1, year=year, window_end__lt=today).select_related("kind"):
        if slot.kind.code in ("branch_committee", "member_review") or (slot.kind.code == "theme_day"
                                                                         and slot.seq % 4 == 0):
            continue
        day = min(slot.window_start + datetime.timedelta(days=10), slot.window_end)
        _hold(slot, sec1, f"{slot.kind.name}（{slot.window_start:%m}月）", day, absent=("D1007",), leave=("D1005",))
        held += 1
    # 第二党支部: only its first-quarter lecture; the rest is overdue.
    first = PlanSlot.objects.filter(unit=branch2, year=year, kind__code="party_lecture", seq=1).first()
    if first is not None and first.window_end < today:
        _hold(first, sec2, "一季度专题党课", first.window_start + datetime.timedelta(days=20), absent=("D2006",))
        held += 1
    # A committee-wide live training last month, its replay the sample talk.
    root = OrgUnit.get_root_nodes().first()
    last_month = today.replace(day=1) - datetime.timedelta(days=20)
    live = services.schedule(user=hr.user, kind=ActivityKind.objects.get(code="central_training"), unit=root,
                             title="全体党员集中培训（直播）" + MARKER, starts_at=_at(last_month, 9),
                             ends_at=_at(last_month, 10), stream_url="https://live.example.com/party/index.m3u8",
                             audience=Activity.Audience.SUBTREE, agenda="新时代党员教育培训专题辅导")
    for member in Member.objects.filter(employee_no__in=["D1001", "D1002", "D1003", "D2003", "D3003"]):
        for second in range(0, 3601, 15):
            live_heartbeat(live, member, now=live.starts_at + datetime.timedelta(seconds=second))
    services.settle_live(live, now=live.ends_at + datetime.timedelta(minutes=5))
    services.mark_held(live, now=live.ends_at)
    replay = Talk.objects.filter(title=REPLAY_TITLE).first()
    if replay is not None:
        Activity.objects.filter(pk=live.pk).update(replay_talk_id=replay.pk)
    # A lecture of 第一党支部 running now, and a theme day next week without an agenda yet.
    now = timezone.now().replace(second=0, microsecond=0)
    lecture = PlanSlot.objects.filter(unit=branch1, year=year, kind__code="party_lecture",
                                      activity__isnull=True).order_by("window_start").first()
    services.schedule(user=sec1.user, kind=ActivityKind.objects.get(code="party_lecture"), unit=branch1,
                      title="专题党课：学习贯彻党章" + MARKER, starts_at=now - datetime.timedelta(minutes=10),
                      ends_at=now + datetime.timedelta(hours=2), place="三楼会议室", lecturer="王建国",
                      agenda="学习党章第一章", slot=lecture, guests_allowed=True)
    services.schedule(user=sec1.user, kind=ActivityKind.objects.get(code="theme_day"), unit=branch1,
                      title="主题党日：志愿服务" + MARKER, starts_at=_at(today + datetime.timedelta(days=2), 9),
                      ends_at=_at(today + datetime.timedelta(days=2), 11), place="社区服务中心")
    sent = reminders.run()
    return {"slots": slots, "held": held, "live_present": Attendance.objects.filter(activity=live,
                                                                                 method="live").count(),
            "reminders": sent, "users": get_user_model().objects.count()}
