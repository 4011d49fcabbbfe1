"""Admin pages: importing questions from the XLSX template or QTI 2.1/2.2 items, and downloading the template."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.common.importing import ImportFileForm

from .importer import HEADERS, import_qti, import_questions, is_qti, template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(ImportFileForm):
    file = forms.FileField(label=gettext_lazy("XLSX file (from the template), or QTI 2.1/2.2 items (.xml or .zip)"))
    category = forms.CharField(
        label=gettext_lazy("Category for QTI items"), max_length=60, required=False,
        help_text=gettext_lazy("QTI files carry no category; left empty, the items go to “Imported from QTI”."),
    )
    field_order = ["file", "category", "dry_run"]


def _require(request):
    if not request.user.has_perm("quizzes.add_question"):
        raise PermissionDenied


def import_questions_view(request):
    _require(request)
    report, qti = None, False
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dry_run = form.cleaned_data["dry_run"]
        qti = is_qti(upload.name)
        if qti:
            report = import_qti(upload.read(), upload.name, dry_run=dry_run, user=request.user,
                                category=form.cleaned_data["category"])
        else:
            report = import_questions(upload.read(), upload.name, dry_run=dry_run, user=request.user)
        if report.ok and not dry_run:
            messages.success(request, _("Imported: %(c)d created, %(u)d updated, %(s)d unchanged.") % {
                "c": report.created, "u": report.updated, "s": report.unchanged})
        elif report.ok:
            messages.success(request, _("The file is valid; nothing was written (check only)."))
    return render(request, "quizzes/admin/import.html", {
        "form": form, "report": report, "title": _("Import questions"), "columns": HEADERS,
        "qti": qti,
    })


def import_template_view(request):
    _require(request)
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, "题库导入模板.xlsx")
    return response
