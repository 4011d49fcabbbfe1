"""Which courses and talks a member may be recommended.

* Courses: live pages whose Wagtail view restrictions the user passes (login: any member;
  groups: a member of one of the groups, or a superuser; password: never — a shared password
  cannot be known in advance). For the "for you" section a course must also be meant for the
  member: no audience roles, or one the member holds.
* Talks: status "ready" and visible to the user by ``content_library.visibility.visible_talks``.
"""

from __future__ import annotations

from django.db.models import QuerySet

from content_library.models import Talk
from content_library.visibility import visible_talks as library_visible_talks
from lms.catalog import access


def visible_talks(user) -> QuerySet[Talk]:
    """Ready talks the user may see (the content library's rule)."""
    return library_visible_talks(user).filter(status=Talk.Status.READY)


# The catalog's one page rule (lms.catalog.access); compute.py checks thousands of courses against it at once.
course_restrictions = access.restrictions
passes = access.passes


def visible_course_ids(user, course_ids) -> set[int]:
    """The live courses among ``course_ids`` the user may open."""
    from lms.catalog.models import CoursePage

    return set(access.viewable(user, CoursePage.objects.filter(pk__in=list(course_ids))).values_list("pk", flat=True))
