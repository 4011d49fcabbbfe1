"""Data owned by other apps that reports read: training assignments and quiz results.

Looked up through the app registry so reports keep working (without those
figures) on an installation where a model is missing.
"""

import datetime
from collections import defaultdict

from django.apps import apps


def _model(app_label: str, name: str):
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def assignment_model():
    return _model("training", "Assignment")


def quiz_attempt_model():
    return _model("quizzes", "QuizAttempt")


def overdue_by_member(member_ids, before: datetime.date) -> dict[int, list[str]]:
    """{member_id: [course titles]} of active assignments due before ``before`` (today, or the day after a
    past period), i.e. overdue now."""
    Assignment = assignment_model()
    if Assignment is None:
        return {}
    result: dict[int, list[str]] = defaultdict(list)
    rows = (Assignment.objects.filter(member_id__in=member_ids, status="active", due_on__lt=before)
            .order_by("member_id", "due_on").values_list("member_id", "course__title"))
    for member_id, title in rows.iterator(chunk_size=5000):
        result[member_id].append(title)
    return result


def assignment_counts_by_member(member_ids, period) -> dict[int, tuple[int, int]]:
    """{member_id: (assigned, completed)} for assignments due in ``period`` (withdrawn ones excluded)."""
    Assignment = assignment_model()
    if Assignment is None:
        return {}
    result: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows = (Assignment.objects.filter(member_id__in=member_ids, due_on__range=(period.start, period.end))
            .exclude(status="withdrawn").order_by().values_list("member_id", "status"))
    for member_id, status in rows.iterator(chunk_size=5000):
        counts = result[member_id]
        counts[0] += 1
        if status == "completed":
            counts[1] += 1
    return {k: tuple(v) for k, v in result.items()}


def member_assignments(member, period) -> list:
    """Assignments of one member relevant to ``period``: due in it, or still open from before."""
    Assignment = assignment_model()
    if Assignment is None:
        return []
    from django.db.models import Q

    qs = Assignment.objects.filter(member=member).filter(
        Q(due_on__range=(period.start, period.end))
        | Q(assigned_at__date__range=(period.start, period.end))
        | Q(status="active", due_on__lt=period.start)
    ).select_related("course").order_by("due_on", "pk")
    return list(qs)


def member_quiz_results(member, period) -> list:
    """Submitted quiz/exam attempts of one member in ``period``."""
    QuizAttempt = quiz_attempt_model()
    if QuizAttempt is None:
        return []
    qs = QuizAttempt.objects.filter(member=member, submitted_at__isnull=False,
                                    submitted_at__date__range=(period.start, period.end))
    related = [f.name for f in QuizAttempt._meta.get_fields()
               if f.name in ("quiz", "exam") and f.is_relation and f.many_to_one]
    if related:
        qs = qs.select_related(*related)
    return list(qs.order_by("submitted_at", "pk"))


def attempt_title(attempt) -> str:
    for name in ("quiz", "exam"):
        target = getattr(attempt, name, None)
        if target is not None:
            return str(getattr(target, "title", target))
    return str(attempt)
