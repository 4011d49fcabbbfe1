"""{% lesson_activity %}: the quiz box and/or H5P player of the current lesson page; {% quiz_overview %}: the
quiz box's data for an exam page; ``|share`` (0.45 → 45%) and ``|option_letter`` (2 → B). Durations, clock times,
hours and percentages read through ``{% load units %}`` (lms.common.units)."""

from django import template

from lms.common import units
from lms.quizzes.models import H5PPackage, Quiz, QuizAttempt
from lms.quizzes.presenters import quiz_overview_context
from lms.quizzes.views import h5p_player_context

register = template.Library()


@register.simple_tag(takes_context=True)
def quiz_overview(context, quiz):
    """``{% quiz_overview page.quiz as quiz_ctx %}``: what the quiz box shows the current user."""
    return quiz_overview_context(quiz, context["request"])


@register.inclusion_tag("quizzes/includes/lesson_activity_inner.html", takes_context=True)
def lesson_activity(context, lesson=None):
    lesson = lesson or context.get("page")
    request = context.get("request")
    out = {"request": request, "csrf_token": context.get("csrf_token"), "quiz_box": None, "h5p": None}
    if lesson is None or request is None or not getattr(lesson, "pk", None):
        return out
    quiz = Quiz.objects.filter(lesson_id=lesson.pk).first()
    if quiz is not None:
        out["quiz_box"] = quiz_overview_context(quiz, request)
    package = H5PPackage.objects.filter(lesson_id=lesson.pk).first()
    if package is not None:
        out["h5p"] = h5p_player_context(package, request)
        out["h5p"]["lesson"] = lesson
    return out


@register.filter
def share(value):
    """A fraction as a whole percent: 0.456 → "46%" (figures go through lms.common.units)."""
    return "" if value is None else units.percent_label(float(value) * 100)


@register.filter
def option_letter(number):
    """The letter of the n-th option (1 → A … 26 → Z), as exam papers write them; past Z, the number."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        return ""
    return chr(ord("A") + number - 1) if 1 <= number <= 26 else str(number)


@register.inclusion_tag("quizzes/includes/my_results.html")
def my_quiz_results(member):
    """The member's quiz and exam results: best score, attempts, time (for "My learning" or an archive page)."""
    rows: dict[int, dict] = {}
    if member is not None:
        attempts = (QuizAttempt.objects.filter(member=member).exclude(status=QuizAttempt.Status.IN_PROGRESS)
                    .select_related("quiz").order_by("quiz_id", "number"))
        for a in attempts:
            row = rows.setdefault(a.quiz_id, {"quiz": a.quiz, "attempts": 0, "best": None, "passed": False,
                                              "pending": False, "last": None, "duration_seconds": 0})
            row["attempts"] += 1
            row["duration_seconds"] += a.duration_seconds or 0
            row["last"] = a
            row["pending"] = row["pending"] or a.status == QuizAttempt.Status.PENDING_REVIEW
            row["passed"] = row["passed"] or bool(a.passed)
            if a.score is not None and (row["best"] is None or a.score > row["best"].score):
                row["best"] = a
    return {"rows": sorted(rows.values(), key=lambda r: r["last"].submitted_at, reverse=True)}
