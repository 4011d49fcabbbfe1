"""Wagtail admin page for importing members."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from lms.common.importing import import_page

from .importer import COLUMNS, import_members
from .scope import is_hr


def import_members_view(request):
    if not is_hr(request.user):
        raise PermissionDenied
    return import_page(request, title=_("Import members"), columns=COLUMNS, runner=import_members)
