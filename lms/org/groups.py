"""The seeded roles, and the Django groups that give a role its admin powers, kept in line with members' roles."""

from django.contrib.auth.models import Group

from .models import Role
from .roles import SEEDED_ROLES

# Role code → Django group that gives the role its admin powers (permissions: lms.site.bootstrap).
ROLE_GROUPS = {
    "trainer": "Trainers",
    "hr": "HR",
    "branch_secretary": "Branch secretaries",
}
# Wagtail's own moderators group approves pages trainers submit.
MODERATORS = "Moderators"


def ensure_roles() -> None:
    """The seeded roles (also after a flush, which empties what migrations inserted)."""
    existing = set(Role.objects.values_list("code", flat=True))
    Role.objects.bulk_create([
        Role(code=code, name=name, name_en=name_en) for code, name, name_en in SEEDED_ROLES if code not in existing
    ])


def sync_user_groups(member) -> None:
    """Give the member's user exactly the groups their roles imply."""
    user = member.user
    codes = member.role_codes if member.is_active else set()
    wanted = {ROLE_GROUPS[c] for c in codes if c in ROLE_GROUPS}
    if "hr" in codes:
        wanted.add(MODERATORS)
    managed = set(ROLE_GROUPS.values()) | {MODERATORS}
    current = set(user.groups.filter(name__in=managed).values_list("name", flat=True))
    if wanted - current:
        user.groups.add(*Group.objects.filter(name__in=wanted - current))
    if current - wanted:
        user.groups.remove(*Group.objects.filter(name__in=current - wanted))
