"""Who may see and manage organizational life: the one rule used by pages, API, admin, exports and calendar.

Secretaries manage their branch's subtree; HR (the organization department, acting for the committee) manages
everything below it; members see their own activities (those they are expected at) and their branch's schedule.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lms.org.models import Member, OrgUnit
from lms.org.scope import is_hr, managed_units, member_of

from .models import Activity, PlanSlot


def can_manage_unit(user, unit: OrgUnit | None) -> bool:
    if unit is None or not getattr(user, "is_authenticated", False):
        return False
    return any(unit.path.startswith(m.path) for m in managed_units(user))


def can_manage(user, activity: Activity) -> bool:
    return can_manage_unit(user, activity.unit)


def is_committee(user) -> bool:
    """Organization-wide sessions and kind rules are the committee's (HR, the organization department)."""
    return is_hr(user)


def managed_q(user, prefix: str = "unit__") -> Q:
    q = Q(pk__in=[])
    for unit in managed_units(user):
        q |= Q(**{f"{prefix}path__startswith": unit.path})
    return q


def _branch_units(member: Member) -> list[OrgUnit]:
    unit = member.org_unit
    branch = unit.branch()
    return [branch, unit] if branch.pk != unit.pk else [branch]


def visible_activities(user) -> QuerySet[Activity]:
    """Activities the user may open: managed ones, ones they are expected at, their branch's and group's."""
    if not getattr(user, "is_authenticated", False):
        return Activity.objects.none()
    q = managed_q(user)
    member = member_of(user)
    if member is not None:
        q |= Q(attendances__member=member) | Q(unit__in=_branch_units(member))
    return Activity.objects.filter(pk__in=Activity.objects.filter(q).values("pk"))


def can_view(user, activity: Activity) -> bool:
    return visible_activities(user).filter(pk=activity.pk).exists()


def visible_slots(user) -> QuerySet[PlanSlot]:
    """Plan slots: managers see their subtree's; members their branch's and group's."""
    if not getattr(user, "is_authenticated", False):
        return PlanSlot.objects.none()
    q = managed_q(user)
    member = member_of(user)
    if member is not None:
        q |= Q(unit__in=_branch_units(member))
    return PlanSlot.objects.filter(q)


def manageable_units(user) -> QuerySet[OrgUnit]:
    q = managed_q(user, prefix="")
    return OrgUnit.objects.filter(q)
