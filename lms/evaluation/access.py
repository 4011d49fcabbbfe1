"""Who may read survey results: the one rule of the results pages and their exports.

* HR (the organization department) and superusers: every survey;
* a course's trainers: the surveys of their courses;
* branch secretaries: the surveys of activities organized in their branch's subtree.

Free-text answers are shown to whoever may read the results, with the member's name only when the template is
not anonymous (``show_names``). Members never see others' answers.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lms.activities import access as activity_access
from lms.org.scope import is_hr, member_of

from .models import SurveyAssignment


def visible_assignments(user) -> QuerySet[SurveyAssignment]:
    if not getattr(user, "is_authenticated", False):
        return SurveyAssignment.objects.none()
    qs = SurveyAssignment.objects.select_related("template", "course", "activity", "activity__unit")
    if is_hr(user):
        return qs
    q = Q(pk__in=[])
    member = member_of(user)
    if member is not None:
        q |= Q(course__trainers=member)
    q |= Q(activity__isnull=False) & activity_access.managed_q(user, prefix="activity__unit__")
    return qs.filter(pk__in=SurveyAssignment.objects.filter(q).values("pk"))


def can_use_results(user) -> bool:
    return visible_assignments(user).exists() or is_hr(user)


def can_view(user, assignment: SurveyAssignment) -> bool:
    return visible_assignments(user).filter(pk=assignment.pk).exists()


def show_names(assignment: SurveyAssignment) -> bool:
    return not assignment.template.anonymous_free_text
