"""{% lesson_activity %}: the quiz box and/or H5P player of the current lesson page; {% quiz_overview %}: the
quiz box's data for an exam page."""

from django import template

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
def duration(seconds):
    """12345 → "3:25:45"; 75 → "1:15"."""
    if seconds is None or seconds == "":
        return ""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def percent(value):
    return "" if value is None else f"{float(value) * 100:.0f}%"


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
