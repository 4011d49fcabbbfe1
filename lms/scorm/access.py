"""A SCORM package is as open as the lesson it belongs to (lms.catalog.access); one not placed in a lesson yet
is open to trainers only (they preview it from the admin)."""

from django.db.models import QuerySet
from django.http import Http404

from lms.catalog.access import PageAccess

from .permissions import is_trainer


def open_to(user, qs: QuerySet) -> QuerySet:
    """``qs`` of ScormPackage rows the user may play."""
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    rule = PageAccess(user)
    if not is_trainer(user):
        qs = qs.exclude(lesson__isnull=True)
    qs = qs.exclude(lesson__live=False)
    for path in rule.closed_paths():
        qs = qs.exclude(lesson__path__startswith=path)
    return qs


def get_open_or_404(user, qs: QuerySet, **lookup):
    obj = open_to(user, qs).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj
