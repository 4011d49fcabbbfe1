"""Which talks a user may see — used by the talk pages, media serving, API, search and recommendations.

* anonymous: none;
* superusers and HR: all;
* everybody else: talks visible to the whole organization, plus talks limited to an
  org-unit subtree whose unit is the user's own unit or one of its ancestors, plus
  talks they uploaded themselves.

The rule is written once, as a ``TalkScope``: ``visible_talks`` turns it into a query, and search
checks thousands of candidate talks against it in memory (``TalkScope.allows``).
"""

from __future__ import annotations

from functools import cached_property

from django.db.models import Q, QuerySet

from lms.org.models import OrgUnit, Role
from lms.org.scope import is_hr, member_of

from .models import Talk


def _ancestor_or_self_paths(path: str, steplen: int) -> tuple[str, ...]:
    return tuple(path[:end] for end in range(steplen, len(path) + 1, steplen))


class TalkScope:
    """What one user may see. ``everything``/``nothing`` short-cut the rule; otherwise org-wide talks,
    own uploads and subtree talks owned by one of ``unit_paths`` (the user's unit and its ancestors)."""

    def __init__(self, *, everything: bool = False, nothing: bool = False, user_id: int | None = None,
                 unit_paths: tuple[str, ...] = ()):
        self.everything, self.nothing = everything, nothing
        self.user_id, self.unit_paths = user_id, unit_paths

    def q(self) -> Q:
        q = Q(visibility=Talk.Visibility.ORGANIZATION)
        if self.user_id is not None:
            q |= Q(created_by_id=self.user_id)
        if self.unit_paths:
            q |= Q(visibility=Talk.Visibility.SUBTREE, org_unit__path__in=self.unit_paths)
        return q

    @cached_property
    def unit_ids(self) -> frozenset[int]:
        if not self.unit_paths:
            return frozenset()
        return frozenset(OrgUnit.objects.filter(path__in=self.unit_paths).values_list("pk", flat=True))

    def allows(self, visibility: str, org_unit_id: int | None, created_by_id: int | None) -> bool:
        """The same decision as ``visible_talks`` for one talk's fields, without a query."""
        if self.everything:
            return True
        if self.nothing:
            return False
        if visibility == Talk.Visibility.ORGANIZATION:
            return True
        if created_by_id is not None and created_by_id == self.user_id:
            return True
        return visibility == Talk.Visibility.SUBTREE and org_unit_id in self.unit_ids


def talk_scope(user) -> TalkScope:
    if not getattr(user, "is_authenticated", False):
        return TalkScope(nothing=True)
    if is_hr(user):  # superusers included
        return TalkScope(everything=True)
    member = member_of(user)
    paths: tuple[str, ...] = ()
    if member is not None and member.org_unit_id:
        unit = member.org_unit
        paths = _ancestor_or_self_paths(unit.path, unit.steplen)
    return TalkScope(user_id=user.pk, unit_paths=paths)


def visible_talks(user) -> QuerySet[Talk]:
    scope = talk_scope(user)
    if scope.nothing:
        return Talk.objects.none()
    if scope.everything:
        return Talk.objects.all()
    return Talk.objects.filter(scope.q())


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
