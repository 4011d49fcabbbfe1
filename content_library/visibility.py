"""Which talks a user may see — used by the talk pages, media serving, API, search and recommendations.

* anonymous: none;
* superusers and HR: all;
* everybody else: talks visible to the whole organization, plus talks limited to an
  org-unit subtree whose unit is the user's own unit or one of its ancestors, plus
  talks they uploaded themselves.
"""

from django.db.models import Q, QuerySet

from lms.org.models import Role
from lms.org.scope import is_hr, member_of

from .models import Talk


def _ancestor_or_self_paths(path: str, steplen: int) -> list[str]:
    return [path[:end] for end in range(steplen, len(path) + 1, steplen)]


def visible_talks(user) -> QuerySet[Talk]:
    if not getattr(user, "is_authenticated", False):
        return Talk.objects.none()
    if getattr(user, "is_superuser", False) or is_hr(user):
        return Talk.objects.all()
    q = Q(visibility=Talk.Visibility.ORGANIZATION) | Q(created_by=user)
    member = member_of(user)
    if member is not None and member.org_unit_id:
        unit = member.org_unit
        q |= Q(
            visibility=Talk.Visibility.SUBTREE,
            org_unit__path__in=_ancestor_or_self_paths(unit.path, unit.steplen),
        )
    return Talk.objects.filter(q)


def can_view_talk(user, talk: Talk) -> bool:
    return visible_talks(user).filter(pk=talk.pk).exists()


def can_manage_talks(user) -> bool:
    """Trainers (and HR, and staff holding the model permission) upload and re-transcribe talks."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False) or user.has_perm("content_library.add_talk"):
        return True
    member = member_of(user)
    return bool(member and (member.has_role(Role.TRAINER) or member.has_role(Role.HR)))
