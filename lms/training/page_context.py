"""What the training plan asks of a member, on the catalog's pages (contributors registered in
lms.catalog.page_context from TrainingConfig.ready()).

Per course id, the member's open (active) assignment: its due date and the status the training pages show
(services.display_status and its labels, so a course reads 已逾期 here exactly when it does on 我的培训任务).
One query for all the courses of a page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from .models import Assignment
from .services import ACTIVE, DISPLAY, display_status, with_progress


@dataclass(frozen=True)
class OpenAssignment:
    due_on: datetime.date
    status: str          # not_started / in_progress / overdue (services.display_status)
    status_label: str

    @property
    def is_overdue(self) -> bool:
        return self.status == "overdue"


def open_assignments(member, course_ids) -> dict[int, OpenAssignment]:
    """The member's active assignments of these courses, by course id; of two (a plan's and one by hand) the one
    due first."""
    course_ids = list(course_ids)
    if member is None or not course_ids:
        return {}
    today = timezone.localdate()
    rows = with_progress(Assignment.objects.filter(member=member, status=ACTIVE, course_id__in=course_ids))
    found: dict[int, OpenAssignment] = {}
    for a in rows.order_by("due_on", "pk"):
        if a.course_id not in found:
            status = display_status(a, today)
            found[a.course_id] = OpenAssignment(a.due_on, status, str(DISPLAY[status]))
    return found


def on_catalog(page, request, context: dict) -> None:
    courses = context.get("courses", [])
    found = open_assignments(context.get("member"), [c.pk for c in courses])
    context["assignments"] = found
    for course in courses:
        course.my_assignment = found.get(course.pk)


def on_course(course, request, context: dict) -> None:
    context["assignment"] = open_assignments(context.get("member"), [course.pk]).get(course.pk)
