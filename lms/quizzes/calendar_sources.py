"""What quizzes put in a member's calendar: the windows (opens_at / closes_at) of the exams on live exam pages and
of the lesson quizzes in courses the member is taking, unless the member has passed them already.

A window of up to a day is one event; a longer one (an exam open for two weeks) would cover every day of the
calendar, so it becomes two moments instead: when it opens and when it closes."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from lms.common import calendar
from lms.org.scope import member_of
from lms.progress.models import Enrollment

from .access import open_to
from .models import Quiz, QuizAttempt

LIMIT = 500
ONE_EVENT_AT_MOST = datetime.timedelta(days=1)


def _titles(quiz: Quiz) -> tuple[str, str, str]:
    if quiz.kind == Quiz.Kind.EXAM:
        return (_("Exam: %(title)s"), _("Exam opens: %(title)s"), _("Exam closes: %(title)s"))
    return (_("Quiz: %(title)s"), _("Quiz opens: %(title)s"), _("Quiz closes: %(title)s"))


def _events(quiz: Quiz, url: str):
    whole, opens, closes = (t % {"title": quiz.title} for t in _titles(quiz))
    kind = "exam" if quiz.kind == Quiz.Kind.EXAM else "quiz"
    common = {"kind": kind, "url": url, "description": quiz.description}
    if quiz.opens_at and quiz.closes_at and quiz.closes_at - quiz.opens_at <= ONE_EVENT_AT_MOST:
        yield calendar.Event(uid=f"quiz-{quiz.pk}", title=whole, start=quiz.opens_at, end=quiz.closes_at, **common)
        return
    if quiz.opens_at:
        yield calendar.Event(uid=f"quiz-{quiz.pk}-opens", title=opens, start=quiz.opens_at, end=quiz.opens_at,
                             **common)
    if quiz.closes_at:
        yield calendar.Event(uid=f"quiz-{quiz.pk}-closes", title=closes, start=quiz.closes_at, end=quiz.closes_at,
                             **common)


def _overlaps(event: calendar.Event, start: datetime.datetime, end: datetime.datetime) -> bool:
    if event.start == event.end:  # a moment: inside [start, end)
        return start <= event.start < end
    return event.start < end and event.end > start


def quiz_events(user, start: datetime.datetime, end: datetime.datetime):
    member = member_of(user)
    if member is None:
        return []
    taking = Enrollment.objects.filter(member=member, status=Enrollment.Status.ENROLLED).values_list(
        "course__path", flat=True)
    mine = Q(exam_page__live=True)
    for path in taking:
        mine |= Q(lesson__live=True, lesson__path__startswith=path)
    touches = (Q(opens_at__gte=start, opens_at__lt=end) | Q(closes_at__gte=start, closes_at__lt=end)
               | Q(opens_at__lt=end, closes_at__gt=start))
    passed = QuizAttempt.objects.filter(member=member, passed=True).values("quiz_id")
    qs = (open_to(user, Quiz.objects.filter(mine).filter(touches).exclude(pk__in=passed))
          .select_related("lesson").order_by("opens_at", "closes_at", "pk"))
    events = []
    for quiz in qs[:LIMIT]:
        url = quiz.get_absolute_url()
        events.extend(e for e in _events(quiz, url) if _overlaps(e, start, end))
    return events


def register_sources() -> None:
    calendar.register("quizzes", quiz_events, order=40)
