"""Demo training evaluation (run by ``seed_demo``; safe to run twice): the survey 课程满意度调查 on a required
course with answers from the members who completed it, and a 党课 survey on a held activity of 第一党支部."""

from __future__ import annotations

from django.utils import timezone

from lms.activities.models import Activity, Attendance
from lms.catalog.models import CoursePage, Tier
from lms.progress.models import Enrollment

from . import services
from .models import SurveyAssignment, SurveyItem, SurveyTemplate

DEMO_ORDER = 55
TITLE = "课程满意度调查"
ACTIVITY_TITLE = "党课效果评价"
TEXTS = ["内容贴近工作实际，收获很大。", "希望多一些案例研讨。", "", "讲解清楚，建议增加互动环节。"]


def _template(title: str) -> SurveyTemplate:
    template = SurveyTemplate.objects.create(title=title, intro="请根据学习体会如实评价，帮助我们改进培训。")
    for i, (kind, text, options, required) in enumerate([
        ("likert", "课程内容对工作有帮助", "", True),
        ("likert", "讲师讲解清楚、重点突出", "", True),
        ("single", "你最喜欢的学习方式", "视频讲授\n案例研讨\n现场教学", True),
        ("multiple", "希望增加的内容", "党史学习\n党纪党规\n业务实践\n先进典型", False),
        ("text", "意见和建议", "", False),
    ]):
        SurveyItem.objects.create(template=template, kind=kind, text=text, options=options, required=required,
                                  sort_order=i)
    return template


def _answers(template: SurveyTemplate, n: int) -> dict:
    data = {}
    for item in template.items.all():
        key = f"item-{item.pk}"
        if item.kind == "likert":
            data[key] = str(5 - (n + item.sort_order) % 3)
        elif item.kind in ("single", "multiple"):
            options = item.option_list
            data[key] = [options[n % len(options)]]
        elif TEXTS[n % len(TEXTS)]:
            data[key] = TEXTS[n % len(TEXTS)]
    return data


def _answer(member, assignment, n, now) -> bool:
    try:
        services.submit(member, assignment, _answers(assignment.template, n), now=now)
    except services.EvaluationError:
        return False
    return True


def seed() -> dict:
    if SurveyTemplate.objects.filter(title=TITLE).exists():
        return {"skipped": True}
    course = CoursePage.objects.live().filter(tier=Tier.REQUIRED_ALL).order_by("path").first()
    if course is None:
        return {"skipped": True, "reason": "no required course"}
    now = timezone.now()
    assignment = services.attach(_template(TITLE), course=course, opens=SurveyAssignment.Opens.AFTER_LESSONS)
    answered = 0
    done = Enrollment.objects.filter(course=course, completed_at__isnull=False).select_related("member__user")
    for n, enrollment in enumerate(done[:12]):
        if n % 4 != 3:  # about three in four answer: a response rate below 100 %
            answered += _answer(enrollment.member, assignment, n, now)
    activity = (Activity.objects.filter(unit__name="第一党支部", ends_at__lt=now, attendances__status="present")
                .order_by("-ends_at").distinct().first())
    activity_answers = 0
    if activity is not None:
        survey = services.attach(_template(ACTIVITY_TITLE), activity=activity)
        present = Attendance.objects.filter(activity=activity, status__in=services.ATTENDED).select_related("member")
        for n, att in enumerate(present[:6]):
            activity_answers += _answer(att.member, survey, n, now)
    return {"course": course.title, "responses": answered, "activity_responses": activity_answers}
