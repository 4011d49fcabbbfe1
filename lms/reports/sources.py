"""Data owned by other apps that reports read: training assignments and quiz results."""

import datetime
from collections import defaultdict

from django.db.models import Q

from lms.quizzes.models import QuizAttempt
from lms.training.models import Assignment
from lms.training.services import status_label, with_progress

from .sql import raw_rows

Status = Assignment.Status


def overdue_by_member(member_ids, before: datetime.date) -> dict[int, list[str]]:
    """{member_id: [course titles]} of active assignments due before ``before`` (today, or the day after a
    past period), i.e. overdue now. ``member_ids=None``: every member."""
    result: dict[int, list[str]] = defaultdict(list)
    rows = Assignment.objects.filter(status=Status.ACTIVE, due_on__lt=before)
    if member_ids is not None:
        rows = rows.filter(member_id__in=member_ids)
    rows = rows.order_by("member_id", "due_on").values_list("member_id", "course__title")
    for member_id, title in raw_rows(rows):
        result[member_id].append(title)
    return result


def assignment_counts_by_member(member_ids, period) -> dict[int, tuple[int, int]]:
    """{member_id: (assigned, completed)} for assignments due in ``period`` (withdrawn ones excluded)."""
    result: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows = Assignment.objects.filter(due_on__range=(period.start, period.end)).exclude(status=Status.WITHDRAWN)
    if member_ids is not None:
        rows = rows.filter(member_id__in=member_ids)
    rows = rows.order_by().values_list("member_id", "status")
    for member_id, status in raw_rows(rows):
        counts = result[member_id]
        counts[0] += 1
        if status == Status.COMPLETED:
            counts[1] += 1
    return {k: tuple(v) for k, v in result.items()}


def member_assignments(member, period) -> list[Assignment]:
    """Assignments of one member relevant to ``period``: due or assigned in it, or still open from before; each
    with ``status_label``, the wording the member's own pages use."""
    rows = list(with_progress(
        Assignment.objects.filter(member=member).filter(
            Q(due_on__range=(period.start, period.end))
            | Q(assigned_at__date__range=(period.start, period.end))
            | Q(status=Status.ACTIVE, due_on__lt=period.start)
        )).select_related("course").order_by("due_on", "pk"))
    for row in rows:
        row.status_label = status_label(row)
    return rows


def member_quiz_results(member, period) -> list[QuizAttempt]:
    """Submitted quiz and exam attempts of one member in ``period``."""
    return list(
        QuizAttempt.objects.filter(member=member, submitted_at__isnull=False,
                                   submitted_at__date__range=(period.start, period.end))
        .select_related("quiz").order_by("submitted_at", "pk")
    )


def attempt_title(attempt: QuizAttempt) -> str:
    return attempt.quiz.title
