"""Assigning courses by hand (branch secretaries within their subtree, HR anywhere) and status helpers."""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.catalog.models import CoursePage
from lms.org.models import Member
from lms.org.scope import managed_units, units_q
from lms.progress.models import Enrollment

from .models import Assignment

ACTIVE, COMPLETED, WITHDRAWN = Assignment.Status.ACTIVE, Assignment.Status.COMPLETED, Assignment.Status.WITHDRAWN

DISPLAY = {
    "not_started": gettext_lazy("Not started"),
    "in_progress": gettext_lazy("In progress"),
    "done": gettext_lazy("Done"),
    "overdue": gettext_lazy("Overdue"),
    "withdrawn": gettext_lazy("Withdrawn"),
}


class AssignError(ValueError):
    pass


class ScopeError(PermissionError):
    """The user may not assign to (some of) these members."""


def with_progress(qs: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Annotate ``started``: the member has enrolled in / begun the course."""
    return qs.annotate(started=Exists(Enrollment.objects.filter(member=OuterRef("member"),
                                                                course=OuterRef("course"))))


def display_status(assignment: Assignment, today: datetime.date | None = None) -> str:
    """not_started / in_progress / done / overdue / withdrawn."""
    today = today or timezone.localdate()
    if assignment.status == COMPLETED:
        return "done"
    if assignment.status == WITHDRAWN:
        return "withdrawn"
    if assignment.due_on < today:
        return "overdue"
    started = getattr(assignment, "started", None)
    if started is None:
        started = Enrollment.objects.filter(member_id=assignment.member_id, course_id=assignment.course_id).exists()
    return "in_progress" if started else "not_started"


def status_label(assignment: Assignment, today: datetime.date | None = None) -> str:
    """The one wording of an assignment's state that every page, export and PDF shows (未开始, 进行中, 已逾期…)."""
    return str(DISPLAY[display_status(assignment, today)])


def assignable_members(user) -> QuerySet[Member]:
    """Members the user may assign courses to: the subtrees they manage (branch secretary, HR)."""
    units = managed_units(user)
    if not units:
        return Member.objects.none()
    return Member.objects.filter(units_q(units), is_active=True)


@dataclass
class AssignResult:
    created: list[Assignment] = field(default_factory=list)
    already: list[int] = field(default_factory=list)  # member ids that already had it active


def assign_manually(by, members, course: CoursePage, due_on: datetime.date, note: str = "") -> AssignResult:
    """Assign ``course`` to ``members`` with a due date; all or nothing.

    Raises ScopeError if any member lies outside the subtrees ``by`` manages,
    AssignError for a bad course or date. A member who already has an active
    hand-made assignment of the course keeps it (reported in ``already``).
    """
    members = list(members)
    if not members:
        raise AssignError(_("Choose at least one member."))
    if not course.live:
        raise AssignError(_("The course is not published."))
    today = timezone.localdate()
    if due_on < today:
        raise AssignError(_("The due date is in the past."))
    allowed = set(assignable_members(by).filter(pk__in=[m.pk for m in members]).values_list("pk", flat=True))
    outside = [m for m in members if m.pk not in allowed]
    if outside:
        raise ScopeError(_("You may not assign courses to: %(names)s") % {
            "names": ", ".join(f"{m.name} ({m.employee_no})" for m in outside[:20])})
    result = AssignResult()
    now = timezone.now()
    year_start = datetime.datetime.combine(datetime.date(due_on.year, 1, 1), datetime.time.min,
                                           tzinfo=timezone.get_current_timezone())
    done = dict(Enrollment.objects.filter(member__in=members, course=course, completed_at__gte=year_start)
                .values_list("member_id", "completed_at"))
    with transaction.atomic():
        existing = set(Assignment.objects.filter(member__in=members, course=course, source=Assignment.Source.MANUAL,
                                                 status=ACTIVE).values_list("member_id", flat=True))
        for member in members:
            if member.pk in existing:
                result.already.append(member.pk)
                continue
            completed_at = done.get(member.pk)
            try:
                with transaction.atomic():
                    assignment = Assignment.objects.create(
                        member=member, course=course, source=Assignment.Source.MANUAL, year=due_on.year,
                        due_on=due_on, original_due_on=due_on, assigned_at=now, assigned_by=by,
                        note=note[:200], status=COMPLETED if completed_at else ACTIVE, completed_at=completed_at,
                    )
            except IntegrityError:
                result.already.append(member.pk)
                continue
            result.created.append(assignment)
        _notify_assigned([a for a in result.created if a.status == ACTIVE], course)
    return result


def _notify_assigned(assignments: list[Assignment], course: CoursePage) -> None:
    from lms.notifications.services import Notice, notify_many

    url = reverse("training:training-my-assignments")
    notify_many([
        Notice(recipient_id=a.member.user_id, kind="training.assigned",
               title=_("New required course: %(course)s") % {"course": course.title},
               body=_("Please complete it by %(due)s.") % {"due": a.due_on.isoformat()},
               url=url, key=f"training:assigned:{a.pk}", required=True)
        for a in assignments
    ])


def withdraw(by, assignment: Assignment, reason: str) -> Assignment:
    """Withdraw a hand-made assignment (plan assignments follow the plan). Keeps the row as history."""
    reason = (reason or "").strip()
    if not reason:
        raise AssignError(_("Give a reason for withdrawing the assignment."))
    if assignment.source != Assignment.Source.MANUAL:
        raise AssignError(_("Assignments from the training plan change with the plan, not by hand."))
    if not assignable_members(by).filter(pk=assignment.member_id).exists():
        raise ScopeError(_("You may not change this member's assignments."))
    updated = Assignment.objects.filter(pk=assignment.pk, status=ACTIVE).update(
        status=WITHDRAWN, withdrawn_at=timezone.now(), withdrawn_reason=reason[:200])
    if not updated:
        raise AssignError(_("Only an active assignment can be withdrawn."))
    assignment.refresh_from_db()
    return assignment
