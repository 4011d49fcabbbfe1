"""Quizzes and H5P packages are as open as the lesson they belong to (lms.catalog.access): a member who may
not open the lesson neither sees, starts, plays nor reports on its quiz or package. Those without a lesson
(stand-alone exams, packages not placed yet) are open to every signed-in user, as before."""

from django.db.models import QuerySet
from django.http import Http404

from lms.catalog.access import PageAccess


def open_to(user, qs: QuerySet) -> QuerySet:
    """``qs`` of Quiz or H5PPackage rows (both have a nullable ``lesson``) the user may use."""
    rule = PageAccess(user)
    qs = qs.exclude(lesson__live=False)
    for path in rule.closed_paths():
        qs = qs.exclude(lesson__path__startswith=path)
    return qs


def get_open_or_404(user, qs: QuerySet, **lookup):
    obj = open_to(user, qs).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def can_use(user, obj) -> bool:
    return obj.lesson_id is None or PageAccess(user).allows(obj.lesson)
