"""The seeded roles, and the Django groups that give a role its admin powers, kept in line with members' roles."""

from django.contrib.auth.models import Group

from .models import Post, Role
from .roles import SEEDED_POSTS, SEEDED_ROLES

# The staff groups' names are what trainers and HR read in the admin (group lists, "submit to …"), so they are
# Chinese; code refers to them only through these constants. Migration org.0003 renamed the English names the
# first installations (and Wagtail's own initial data) created.
TRAINERS = "培训讲师"
HR = "组织人事"
SECRETARIES = "支部书记"
# Wagtail's own groups: moderators approve pages trainers submit.
MODERATORS = "审核员"
EDITORS = "编辑"

# Role code → Django group that gives the role its admin powers (permissions: lms.site.bootstrap).
ROLE_GROUPS = {
    "trainer": TRAINERS,
    "hr": HR,
    "branch_secretary": SECRETARIES,
}


def ensure_roles() -> None:
    """The seeded roles (also after a flush, which empties what migrations inserted)."""
    existing = set(Role.objects.values_list("code", flat=True))
    Role.objects.bulk_create([
        Role(code=code, name=name, name_en=name_en) for code, name, name_en in SEEDED_ROLES if code not in existing
    ])


def ensure_posts() -> None:
    """The seeded posts (also after a flush, which empties what migrations inserted)."""
    existing = set(Post.objects.values_list("code", flat=True))
    Post.objects.bulk_create([
        Post(code=code, name=name, name_en=name_en) for code, name, name_en in SEEDED_POSTS if code not in existing
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
