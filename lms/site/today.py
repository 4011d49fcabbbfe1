"""The member's home, 今日 (/today/): what is due or overdue, where they stopped, this year's study hours, new talks
and recommendations.

Each block is read from the app that owns it (training statuses and labels, exam and quiz windows, the member's
activities and attendance, the ledger and the annual requirement, the talk visibility rule, the stored
recommendations), in a bounded number of queries whatever the member's history.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import Length, Substr
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import PageViewRestriction

from content_library.models import Talk
from content_library.visibility import visible_talks
from lms.activities.models import Attendance
from lms.activities.services import my_activities
from lms.catalog import access
from lms.catalog.models import CoursePage, LessonPage
from lms.common.units import day_label, hours_number, moment_label, timecode
from lms.org.scope import member_of
from lms.progress.models import Enrollment, LessonProgress
from lms.quizzes.models import Quiz, QuizAttempt
from lms.recommend.services import recommendations_for
from lms.records.requirements import annual_requirement
from lms.records.services import hours_for_year
from lms.training.models import Assignment
from lms.training.services import DISPLAY, display_status, with_progress

HORIZON = datetime.timedelta(days=14)  # activities and exam windows this far ahead
ASSIGNMENTS_SHOWN = 6
EVENTS_SHOWN = 8
RECENT_PROGRESS = 10  # lessons looked at to find where the member stopped
TALKS_SHOWN = 5
RECOMMENDATIONS_SHOWN = 5
RING_RADIUS = 52


# Figures read as everywhere else (lms.common.units); format_hours keeps its name for this module's callers.
format_hours = hours_number


# --- who may open which page (the catalog's one rule, restrictions read once per request) ------------------------

class PageRule:
    """``lms.catalog.access``'s rule for the pages this page links to. The view restrictions are read once; the
    user's groups only when a group restriction applies to one of the pages."""

    def __init__(self, user):
        self.user = user
        self.rules = access.restrictions()
        self._groups: frozenset[int] | None = None

    def allows(self, path: str) -> bool:
        relevant = [r for r in self.rules if path.startswith(r.path)]
        if not relevant:
            return True
        if self._groups is None and any(r.kind == PageViewRestriction.GROUPS for r in relevant):
            self._groups = frozenset(self.user.groups.values_list("pk", flat=True))
        return access.passes(path, relevant, is_superuser=self.user.is_superuser, group_ids=self._groups or frozenset())


# --- 1. due and overdue ------------------------------------------------------------------------------------------

@dataclass
class Dated:
    title: str
    url: str
    when: str
    hint: str = ""
    detail: str = ""
    status: str = ""
    status_label: str = ""


def _hint(due_on: datetime.date, today: datetime.date) -> str:
    days = (due_on - today).days
    if days < 0:
        return ngettext("%(n)d day overdue", "%(n)d days overdue", -days) % {"n": -days}
    if days == 0:
        return _("Due today")
    return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}


def due_courses(member, today: datetime.date) -> tuple[list[Dated], int]:
    """Active assignments, overdue first (they are due earliest), then by due date, with the training pages'
    statuses and labels; and how many there are in all (counted in the same query)."""
    rows = list(with_progress(Assignment.objects.filter(member=member, status=Assignment.Status.ACTIVE))
                .select_related("course").annotate(total=Window(Count("pk"))).order_by("due_on", "pk")
                [:ASSIGNMENTS_SHOWN])
    shown = []
    for a in rows:
        status = display_status(a, today)
        shown.append(Dated(title=a.course.title, url=a.course.url or "", when=day_label(a.due_on),
                           hint=_hint(a.due_on, today), status=status, status_label=str(DISPLAY[status])))
    return shown, rows[0].total if rows else 0


def exam_windows(member, rule: PageRule, now: datetime.datetime) -> list[Dated]:
    """Exams (on live exam pages) and lesson quizzes (in courses the member is taking) whose window is open now or
    opens in the next two weeks, not passed yet; the deadline soonest first. The same choice as the quizzes'
    calendar source, in one query."""
    lesson_path = OuterRef("lesson__path")
    taking = Enrollment.objects.filter(member=member, status=Enrollment.Status.ENROLLED, course__path=Substr(
        lesson_path, 1, Length(lesson_path) - LessonPage.steplen))
    horizon = now + HORIZON
    windows = (Q(closes_at__gt=now) & (Q(opens_at__isnull=True) | Q(opens_at__lt=horizon))
               | Q(closes_at__isnull=True, opens_at__gte=now, opens_at__lt=horizon))
    passed = QuizAttempt.objects.filter(member=member, passed=True).values("quiz_id")
    rows = (Quiz.objects.filter(windows).filter(Q(exam_page__live=True) | Q(lesson__live=True) & Exists(taking))
            .exclude(pk__in=passed).select_related("lesson", "exam_page")
            .order_by(F("closes_at").asc(nulls_last=True), "opens_at", "pk")[:EVENTS_SHOWN * 2])
    shown = []
    for quiz in rows:
        page = quiz.lesson if quiz.lesson_id else getattr(quiz, "exam_page", None)
        if page is None or not rule.allows(page.path):
            continue
        opens_later = bool(quiz.opens_at and quiz.opens_at > now)
        if opens_later:
            when, hint = moment_label(quiz.opens_at), _("Opens")
            if quiz.closes_at:
                hint = _("Opens; deadline %(when)s") % {"when": moment_label(quiz.closes_at)}
        else:
            when, hint = moment_label(quiz.closes_at), _("Deadline")
        shown.append(Dated(title=quiz.title, url=page.url or "", when=when, hint=hint,
                           detail=str(quiz.get_kind_display()), status="opens" if opens_later else "open"))
    return shown[:EVENTS_SHOWN]


def coming_activities(member, now: datetime.datetime) -> list[Dated]:
    """Organizational life the member is expected at in the next two weeks, with their attendance status."""
    mine = Attendance.objects.filter(activity=OuterRef("pk"), member=member).values("status")[:1]
    rows = my_activities(member, now, now + HORIZON).annotate(my_status=Subquery(mine))[:EVENTS_SHOWN]
    shown = []
    for a in rows:
        start, end = timezone.localtime(a.starts_at), timezone.localtime(a.ends_at)
        when = moment_label(start) + (f"–{end:%H:%M}" if end.date() == start.date() else f" – {moment_label(end)}")
        status = a.my_status or ""
        shown.append(Dated(title=a.title, url=a.get_absolute_url(), when=when,
                           detail=" · ".join(p for p in (a.kind.name, a.place) if p), status=status,
                           status_label=str(Attendance.Status(status).label) if status else ""))
    return shown


# --- 2. continue where I stopped ---------------------------------------------------------------------------------

@dataclass
class Resume:
    course_title: str
    lesson: LessonPage
    url: str
    percent: int
    last_day: str = ""
    position: str = ""


def _first_open_lesson(member, course_path: str, rule: PageRule, after: str = "") -> LessonPage | None:
    """The course's first live lesson the member has not completed, preferring those after ``after`` (a path)."""
    done = LessonProgress.objects.filter(member=member, completed_at__isnull=False).values("lesson_id")
    todo = [lesson for lesson in LessonPage.objects.live().filter(
        path__startswith=course_path, depth=len(course_path) // LessonPage.steplen + 1).exclude(pk__in=done)
        .order_by("path") if rule.allows(lesson.path)]
    return next((lesson for lesson in todo if lesson.path > after), None) or (todo[0] if todo else None)


def resume_point(member, rule: PageRule) -> Resume | None:
    """The most recently studied lesson of a live, unfinished course (or the next lesson after it, if it is
    done); failing that, the first lesson of the course most recently enrolled in and not finished."""
    course_path = OuterRef("course_path")
    course = CoursePage.objects.live().filter(path=course_path)
    enrollment = Enrollment.objects.filter(member=member, course__path=course_path)
    recent = [p for p in LessonProgress.objects.filter(member=member, lesson__live=True)
              .annotate(course_path=Substr("lesson__path", 1, Length("lesson__path") - LessonPage.steplen))
              .annotate(course_title=Subquery(course.values("title")[:1]),
                        course_percent=Subquery(enrollment.values("percent")[:1]),
                        course_done=Exists(enrollment.filter(completed_at__isnull=False)))
              .filter(course_title__isnull=False, course_done=False)
              .select_related("lesson").order_by("-updated_at", "-pk")[:RECENT_PROGRESS]
              if rule.allows(p.lesson.path)]
    for p in recent:
        if p.completed_at is None:
            position = timecode(p.last_position) if p.lesson.video_id and p.last_position else ""
            return Resume(course_title=p.course_title, lesson=p.lesson, url=p.lesson.url or "",
                          percent=p.course_percent or 0, last_day=day_label(p.updated_at), position=position)
    if recent:  # the latest lessons studied are all done: the next lesson of the most recent course
        p = recent[0]
        lesson = _first_open_lesson(member, p.course_path, rule, after=p.lesson.path)
        if lesson is not None:
            return Resume(course_title=p.course_title, lesson=lesson, url=lesson.url or "",
                          percent=p.course_percent or 0, last_day=day_label(p.updated_at))
    enrollment = (Enrollment.objects.filter(member=member, completed_at__isnull=True, course__live=True)
                  .select_related("course").order_by("-enrolled_at", "-pk").first())
    if enrollment is None or not rule.allows(enrollment.course.path):
        return None
    lesson = _first_open_lesson(member, enrollment.course.path, rule)
    if lesson is None:
        return None
    return Resume(course_title=enrollment.course.title, lesson=lesson, url=lesson.url or "",
                  percent=enrollment.percent)


# --- 3. this year's hours ----------------------------------------------------------------------------------------

@dataclass
class HoursRing:
    year: int
    earned: str
    required: str  # "" when no requirement applies
    missing: str
    label: str  # the accessible name of the ring
    radius: int
    circumference: str
    filled: str
    complete: bool


def hours_ring(member, year: int) -> HoursRing:
    earned = hours_for_year(member, year)
    required = annual_requirement(member, year)
    share = 1.0 if required is not None and required <= 0 else (
        min(1.0, max(0.0, float(earned / required))) if required else 0.0)
    circumference = 2 * math.pi * RING_RADIUS
    if required is None:
        label = _("Earned %(earned)s hours") % {"earned": format_hours(earned)}
    else:
        label = _("Earned %(earned)s / required %(required)s hours") % {
            "earned": format_hours(earned), "required": format_hours(required)}
    missing = max(Decimal(0), required - earned) if required is not None else Decimal(0)
    return HoursRing(year=year, earned=format_hours(earned), required=format_hours(required) if required is not None
                     else "", missing=format_hours(missing) if missing else "", label=label, radius=RING_RADIUS,
                     circumference=f"{circumference:.2f}", filled=f"{circumference * share:.2f}",
                     complete=required is not None and earned >= required)


# --- 4. new talks and recommendations ----------------------------------------------------------------------------

@dataclass
class NewTalk:
    title: str
    url: str
    speaker: str
    added: str
    duration: str


def new_talks(user) -> list[NewTalk]:
    rows = visible_talks(user).filter(status=Talk.Status.READY).order_by("-created_at", "-pk")[:TALKS_SHOWN]
    return [NewTalk(title=t.title, url=t.get_absolute_url(), speaker=t.speaker, added=day_label(t.created_at),
                    duration=timecode(t.duration) if t.duration else "") for t in rows]


def recommended(member, user) -> list:
    return recommendations_for(member, user)["for_you"][:RECOMMENDATIONS_SHOWN]


# --- the page ----------------------------------------------------------------------------------------------------

@login_required
def today_page(request):
    member = member_of(request.user)
    if member is None:  # accounts without a member record (administrators) have no learning to show
        return redirect("/")
    now = timezone.now()
    today = timezone.localdate(now)
    rule = PageRule(request.user)
    courses, course_total = due_courses(member, today)
    exams = exam_windows(member, rule, now)
    activities = coming_activities(member, now)
    return render(request, "site/today.html", {
        "member": member,
        "today_label": day_label(today),
        "due_courses": courses,
        "due_course_total": course_total,
        "due_more": course_total - len(courses),
        "exams": exams,
        "activities": activities,
        "nothing_due": not (courses or exams or activities),
        "resume": resume_point(member, rule),
        "ring": hours_ring(member, today.year),
        "talks": new_talks(request.user),
        "recommendations": recommended(member, request.user),
        "assignments_url": reverse("training:training-my-assignments"),
    })
