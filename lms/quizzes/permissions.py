"""Who may build quizzes, upload H5P content and see results."""

from django.db.models import Q

from lms.org.models import Role
from lms.org.scope import is_hr, member_of


def is_trainer(user) -> bool:
    """Trainers (by role or by the admin permission), HR and superusers."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or is_hr(user):
        return True
    member = member_of(user)
    if member is not None and member.is_active and member.has_role(Role.TRAINER):
        return True
    return user.has_perm("quizzes.add_h5ppackage") or user.has_perm("quizzes.change_quiz")


def managed_quizzes_q(user) -> Q:
    """Quizzes whose statistics and grading the user may see: their own, their courses', or all for HR."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if user.is_superuser or is_hr(user):
        return Q()
    q = Q(created_by=user)
    member = member_of(user)
    if member is not None and member.has_role(Role.TRAINER):
        q |= Q(trainers=member)
        from wagtail.models import Page

        paths = Page.objects.filter(pk__in=member.taught_courses.values("pk")).values_list("path", flat=True)
        for path in paths:
            q |= Q(lesson__path__startswith=path)
    return q


def can_manage_quiz(user, quiz) -> bool:
    from .models import Quiz

    return Quiz.objects.filter(managed_quizzes_q(user), pk=quiz.pk).exists()
