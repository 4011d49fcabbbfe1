"""Who may see whom.

One place decides the member scope of a user, so pages, API views and
exports cannot drift apart.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from rest_framework.exceptions import PermissionDenied

from .models import Member, OrgUnit, Role


def member_of(user) -> Member | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.member
    except Member.DoesNotExist:
        return None


def require_member(user, message, *, api: bool = False) -> Member:
    """The caller's member record: the one check behind every page and endpoint that only members use. Without
    one, a page answers 404 and the API 403, each with ``message``."""
    member = member_of(user)
    if member is None:
        if api:
            raise PermissionDenied(message)
        raise Http404(message)
    return member


def is_hr(user) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    member = member_of(user)
    return bool(member and member.has_role(Role.HR))


def managed_units(user) -> list[OrgUnit]:
    """Units whose whole subtree the user may oversee (HR, branch secretary)."""
    if getattr(user, "is_superuser", False):
        return list(OrgUnit.get_root_nodes())
    member = member_of(user)
    if member is None:
        return []
    units = []
    if member.has_role(Role.HR):
        # HR oversees the top-level unit they belong to.
        units.append(member.org_unit.get_root() if not member.org_unit.is_root() else member.org_unit)
    elif member.has_role(Role.BRANCH_SECRETARY):
        units.append(member.org_unit.branch())
    return units


def units_q(units, prefix: str = "org_unit__") -> Q:
    q = Q(pk__in=[])
    for unit in units:
        q |= Q(**{f"{prefix}path__startswith": unit.path})
    return q


def visible_members(user) -> QuerySet[Member]:
    """Members whose records the user may read: themselves plus managed subtrees."""
    if not getattr(user, "is_authenticated", False):
        return Member.objects.none()
    if getattr(user, "is_superuser", False):
        return Member.objects.all()
    member = member_of(user)
    units = managed_units(user)
    q = units_q(units)
    if member is not None:
        q |= Q(pk=member.pk)
    return Member.objects.filter(q)


def can_view_member(user, member: Member) -> bool:
    return visible_members(user).filter(pk=member.pk).exists()
