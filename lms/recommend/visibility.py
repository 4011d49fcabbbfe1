"""Which courses and talks a member may be recommended.

* Courses: live pages whose Wagtail view restrictions the user passes (login: any member;
  groups: a member of one of the groups, or a superuser; password: never — a shared password
  cannot be known in advance). For the "for you" section a course must also be meant for the
  member: no audience roles, or one the member holds.
* Talks: status "ready" and visible to the user by ``content_library.visibility.visible_talks``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from content_library.models import Talk
from content_library.visibility import visible_talks as library_visible_talks


def visible_talks(user) -> QuerySet[Talk]:
    """Ready talks the user may see (the content library's rule)."""
    return library_visible_talks(user).filter(status=Talk.Status.READY)


@dataclass(frozen=True)
class Restriction:
    path: str
    kind: str
    groups: frozenset[int]


def course_restrictions() -> list[Restriction]:
    from wagtail.models import PageViewRestriction

    out = []
    for r in PageViewRestriction.objects.select_related("page").prefetch_related("groups"):
        out.append(Restriction(r.page.path, r.restriction_type, frozenset(g.pk for g in r.groups.all())))
    return out


def passes(course_path: str, restrictions: list[Restriction], *, is_superuser: bool,
           group_ids: frozenset[int]) -> bool:
    from wagtail.models import PageViewRestriction

    for r in restrictions:
        if not course_path.startswith(r.path):
            continue
        if r.kind == PageViewRestriction.PASSWORD:
            return False
        if r.kind == PageViewRestriction.GROUPS and not is_superuser and not (r.groups & group_ids):
            return False
    return True


def visible_course_ids(user, course_ids) -> set[int]:
    """The live courses among ``course_ids`` the user may open."""
    from lms.catalog.models import CoursePage

    if not getattr(user, "is_authenticated", False):
        return set()
    restrictions = course_restrictions()
    group_ids = frozenset(user.groups.values_list("pk", flat=True))
    return {
        pk for pk, path in CoursePage.objects.live().filter(pk__in=list(course_ids)).values_list("pk", "path")
        if passes(path, restrictions, is_superuser=user.is_superuser, group_ids=group_ids)
    }
