"""Wagtail admin page for importing offline training records into the ledger."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from lms.common.importing import import_page
from lms.org.scope import is_hr

from .importer import import_training_records


def import_records_view(request):
    if not is_hr(request.user):
        raise PermissionDenied
    return import_page(request, title=_("Import offline training records"),
                       columns=["employee_no", "title", "date", "hours", "kind", "record_id"],
                       runner=import_training_records, pass_user=True)
