"""Who may publish to which units, and who may open, follow up or withdraw an announcement: the one rule used by
pages, API, downloads and exports.

Publishers: HR (the organization department, for the committee) targets its whole tree; a committee member the
subtree of the unit they sit in (a branch's committee member: that branch; the party committee's: the company); a
branch secretary their branch's subtree; a superuser anything. A member sees the announcements that reached them.
Whoever published an announcement, or could publish to its target unit, follows it up (statistics, withdraw).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lms.org.models import OrgUnit, Role
from lms.org.scope import managed_units, member_of

from .models import Announcement, Recipient

PUBLISHER_ROLES = (Role.HR, Role.BRANCH_SECRETARY, Role.COMMITTEE_MEMBER)


def publishing_roots(user) -> list[OrgUnit]:
    """The units whose whole subtree ``user`` may address."""
    if not getattr(user, "is_authenticated", False):
        return []
    roots = list(managed_units(user))  # superuser: every root; HR: their tree; secretary: their branch
    member = member_of(user)
    if member is not None and member.has_role(Role.COMMITTEE_MEMBER):
        roots.append(member.org_unit.branch())
    kept: list[OrgUnit] = []
    for unit in sorted(roots, key=lambda u: len(u.path)):
        if not any(unit.path.startswith(k.path) for k in kept):
            kept.append(unit)
    return kept


def publishable_units(user) -> QuerySet[OrgUnit]:
    q = Q(pk__in=[])
    for unit in publishing_roots(user):
        q |= Q(path__startswith=unit.path)
    return OrgUnit.objects.filter(q).order_by("path")


def can_publish(user) -> bool:
    return bool(publishing_roots(user))


def can_target(user, unit: OrgUnit | None) -> bool:
    return unit is not None and any(unit.path.startswith(r.path) for r in publishing_roots(user))


def can_manage(user, announcement: Announcement) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if announcement.publisher_id and announcement.publisher_id == user.pk:
        return True
    return can_target(user, announcement.target_unit)


def managed_announcements(user) -> QuerySet[Announcement]:
    """Announcements the user published or could have published (their target lies in the user's scope)."""
    if not getattr(user, "is_authenticated", False):
        return Announcement.objects.none()
    q = Q(publisher=user)
    for unit in publishing_roots(user):
        q |= Q(target_unit__path__startswith=unit.path)
    return Announcement.objects.filter(q)


def receipt(user, announcement: Announcement) -> Recipient | None:
    """The member's recipient row of a live announcement, or None."""
    member = member_of(user)
    if member is None or not announcement.is_live:
        return None
    return Recipient.objects.filter(announcement=announcement, member=member).first()


def my_receipts(member) -> QuerySet[Recipient]:
    """The member's announcements, live ones only."""
    return Recipient.objects.filter(member=member, announcement__published_at__isnull=False,
                                    announcement__withdrawn_at__isnull=True)


def can_view(user, announcement: Announcement) -> bool:
    return receipt(user, announcement) is not None or can_manage(user, announcement)


def follow_up_scope(user, announcement: Announcement) -> list[OrgUnit] | None:
    """Which recipients the user may follow up on the statistics page: ``[]`` all of them (publisher and those who
    could have published it), the units they oversee (a branch secretary: their branch's members of a committee
    announcement), or None: no access."""
    if can_manage(user, announcement):
        return []
    units = managed_units(user)
    if not units:
        return None
    q = Q(pk__in=[])
    for unit in units:
        q |= Q(member__org_unit__path__startswith=unit.path)
    if not Recipient.objects.filter(q, announcement=announcement).exists():
        return None
    return units


def scoped_recipients(announcement: Announcement, units: list[OrgUnit]) -> QuerySet[Recipient]:
    qs = Recipient.objects.filter(announcement=announcement)
    if units:
        q = Q(pk__in=[])
        for unit in units:
            q |= Q(member__org_unit__path__startswith=unit.path)
        qs = qs.filter(q)
    return qs
