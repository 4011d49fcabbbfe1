"""Who may see which points (one rule for pages, API, admin and exports).

- A member sees their own points and the board of their branch (members of the branch ranked), and where their
  branch stands among all branches.
- The board of a branch is *led* by its secretary and its branch committee members (支委: the committee_member
  role held inside the branch); they see every name on it.
- The committee sees the whole cross-branch board and every branch board, with every name: HR (and
  superusers), and members holding the committee_member role in a party-committee unit (党委委员).
- Exports of points by member and branch: HR for the whole organization, a branch secretary for their branch
  (lms.org.scope.managed_units).
- A member who chose to hide their name appears as “某党员” to everybody else on boards they do not lead.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from lms.org.models import Member, OrgUnit, Role
from lms.org.scope import is_hr, managed_units, member_of

BRANCH_KINDS = (OrgUnit.Kind.BRANCH, OrgUnit.Kind.GENERAL_BRANCH)
LEADER_ROLES = {Role.BRANCH_SECRETARY, Role.COMMITTEE_MEMBER}


def branch_of_unit(unit: OrgUnit | None) -> OrgUnit | None:
    """The nearest branch (or general branch) enclosing ``unit``; None outside any branch."""
    if unit is None:
        return None
    branch = unit.branch()
    return branch if branch.kind in BRANCH_KINDS else None


def branch_of(member: Member | None) -> OrgUnit | None:
    if member is None:
        return None
    cached = getattr(member, "_points_branch", False)
    if cached is False:
        cached = branch_of_unit(member.org_unit)
        member._points_branch = cached
    return cached


def is_committee(user) -> bool:
    """Sees the whole cross-branch board: HR, superusers and members of the party committee."""
    if is_hr(user):
        return True
    member = member_of(user)
    return bool(member and member.has_role(Role.COMMITTEE_MEMBER)
                and member.org_unit.kind == OrgUnit.Kind.COMMITTEE)


def leads_branch(user, branch: OrgUnit | None) -> bool:
    if branch is None:
        return False
    if is_committee(user):
        return True
    member = member_of(user)
    if member is None or not (member.role_codes & LEADER_ROLES):
        return False
    mine = branch_of(member)
    return mine is not None and mine.pk == branch.pk


def can_view_branch(user, branch: OrgUnit | None) -> bool:
    if branch is None:
        return False
    if leads_branch(user, branch):
        return True
    mine = branch_of(member_of(user))
    return mine is not None and mine.pk == branch.pk


def visible_branches(user):
    """Branches whose board the user may open: all for the committee, else their own."""
    if is_committee(user):
        return OrgUnit.objects.filter(kind__in=BRANCH_KINDS).order_by("path")
    mine = branch_of(member_of(user))
    return OrgUnit.objects.filter(pk=mine.pk) if mine is not None else OrgUnit.objects.none()


def export_units(user) -> list[OrgUnit]:
    """Units whose members' points the user may export (empty: no exports)."""
    return managed_units(user)


def shown_name(name: str, *, hidden: bool, is_self: bool, leads: bool) -> str:
    if hidden and not (is_self or leads):
        return _("A party member")
    return name
