"""Wagtail admin pages for importing members and offline training records."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from lms.org.scope import is_hr
from lms.site.importing import ImportFileForm


def _import_view(request, *, title, columns, runner, template="org/admin_import.html"):
    if not is_hr(request.user):
        raise PermissionDenied
    report = None
    form = ImportFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kwargs = {"dry_run": form.cleaned_data["dry_run"]}
        if runner.__name__ == "import_training_records":
            kwargs["created_by"] = request.user
        report = runner(upload.read(), upload.name, **kwargs)
        if report.ok and not form.cleaned_data["dry_run"]:
            messages.success(request, _("Imported: %(c)d created, %(u)d updated, %(s)d unchanged.") % {
                "c": report.created, "u": report.updated, "s": report.unchanged})
        elif report.ok:
            messages.success(request, _("The file is valid; nothing was written (check only)."))
    return render(request, template, {"form": form, "report": report, "title": title, "columns": columns})


def import_members_view(request):
    from lms.org.importer import COLUMNS, import_members

    return _import_view(request, title=_("Import members"), columns=COLUMNS, runner=import_members)


def import_records_view(request):
    from lms.records.importer import import_training_records

    return _import_view(request, title=_("Import offline training records"),
                        columns=["employee_no", "title", "date", "hours", "kind", "record_id"],
                        runner=import_training_records)
