"""The one import flow: the upload form and admin page, and the plumbing of the import commands."""

from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.management.base import CommandError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .tabular import ImportReport

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ImportFileForm(forms.Form):
    """The upload form of every admin import page: a file, and "only check it"."""

    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"))
    dry_run = forms.BooleanField(label=gettext_lazy("Only check the file"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


def read_upload_path(path: str) -> tuple[bytes, str]:
    p = Path(path)
    if not p.is_file():
        raise CommandError(_("File not found: %(path)s") % {"path": path})
    return p.read_bytes(), p.name


def report_to_command(command, report: ImportReport) -> None:
    if report.errors:
        for err in report.errors:
            command.stderr.write(str(err))
        raise CommandError(
            _("%(n)d problem(s) found; nothing was imported.") % {"n": len(report.errors)}
        )
    command.stdout.write(
        _("Imported: %(c)d created, %(u)d updated, %(s)d unchanged.")
        % {"c": report.created, "u": report.updated, "s": report.unchanged}
    )


def import_page(request, *, title, columns, runner, pass_user: bool = False):
    """An admin import page: upload, check (dry run) or import, and show the report. The caller checks who may."""
    report = None
    form = ImportFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kwargs = {"dry_run": form.cleaned_data["dry_run"]}
        if pass_user:
            kwargs["created_by"] = request.user
        report = runner(upload.read(), upload.name, **kwargs)
        if report.ok and not form.cleaned_data["dry_run"]:
            messages.success(request, _("Imported: %(c)d created, %(u)d updated, %(s)d unchanged.") % {
                "c": report.created, "u": report.updated, "s": report.unchanged})
        elif report.ok:
            messages.success(request, _("The file is valid; nothing was written (check only)."))
    return render(request, "common/admin_import.html",
                  {"form": form, "report": report, "title": title, "columns": columns})
