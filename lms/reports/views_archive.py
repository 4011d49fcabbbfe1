"""Per-member education archive pages, PDF downloads and corrections by reversing entries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.org.models import Member
from lms.org.scope import managed_units, member_of, units_q
from lms.records import services as ledger
from lms.records.models import StudyHourEntry

from . import access, audit, pdf, services
from .archive import archive_years, branch_archive_members, build_archive, build_archives
from .periods import PeriodError, parse_period
from .units import UnitIndex, unit_choices


def _year(request) -> int:
    try:
        period = parse_period({"year": request.GET.get("year", "")}, timezone.localdate())
    except PeriodError as exc:
        raise Http404(str(exc)) from exc
    return period.year


def _member_for(request, member_id) -> Member:
    member = get_object_or_404(Member.objects.select_related("org_unit", "user"), pk=member_id)
    if not access.can_view_archive(request.user, member):
        raise PermissionDenied(_("You may not see this member's archive."))
    return member


@login_required
def my_archive(request):
    member = member_of(request.user)
    if member is not None:
        url = reverse("reports:archive-detail", args=[member.pk])
        if request.GET.get("year"):
            url += f"?year={_year(request)}"
        return redirect(url)
    if managed_units(request.user):
        return redirect("reports:archive-members")
    raise Http404(_("Your account is not linked to a member record."))


@login_required
def archive_detail(request, member_id):
    member = _member_for(request, member_id)
    year = _year(request)
    archive = build_archive(member, year)
    audit.record(request.user, audit.Action.ARCHIVE_VIEW, "archive", params={"member": member.pk, "year": year},
                 member=member, fmt="html")
    return render(request, "reports/archive.html", {
        "archive": archive, "member": member, "year": year,
        "years": archive_years(member, timezone.localdate()),
        "can_correct": access.can_correct(request.user, member),
        "is_self": member.user_id == request.user.pk,
    })


@login_required
def archive_pdf(request, member_id):
    member = _member_for(request, member_id)
    year = _year(request)
    archive = build_archive(member, year)
    try:
        content = pdf.archive_pdf(archive)
    except pdf.PdfFontMissing as exc:
        messages.error(request, str(exc))
        return redirect(reverse("reports:archive-detail", args=[member.pk]) + f"?year={year}")
    audit.record(request.user, audit.Action.ARCHIVE_EXPORT, "archive", params={"member": member.pk, "year": year},
                 member=member, fmt="pdf")
    response = HttpResponse(content, content_type="application/pdf")
    inline = request.GET.get("inline") == "1"
    response["Content-Disposition"] = content_disposition_header(not inline, pdf.archive_filename(archive))
    return response


@login_required
def archive_members(request):
    """Members whose archives a branch secretary or HR may open, with the branch-export form."""
    roots = managed_units(request.user)
    if not roots:
        raise PermissionDenied(_("Only HR and branch secretaries can browse members' archives."))
    qs = Member.objects.filter(units_q(roots)).select_related("org_unit").order_by("org_unit__path", "employee_no")
    org = request.GET.get("org", "")
    if org:
        try:
            scope = access.report_scope(request.user, org=org)
        except access.ReportAccessDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except access.ReportInputError as exc:
            messages.error(request, str(exc))
            return redirect("reports:archive-members")
        qs = qs.filter(scope.member_q())
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(employee_no__icontains=q))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    index = UnitIndex(roots)
    for m in page:
        m.unit_name = index.full_name(m.org_unit_id)
    return render(request, "reports/archive_members.html", {
        "page": page, "units": unit_choices(roots), "org": org, "q": q,
        "year": timezone.localdate().year, "years": list(range(timezone.localdate().year,
                                                               timezone.localdate().year - 6, -1)),
    })


@login_required
def branch_archives(request):
    """All archives of a unit subtree as one PDF or a ZIP of PDFs (large ones in the background)."""
    fmt = request.GET.get("format", "pdf")
    if fmt not in ("pdf", "zip"):
        messages.error(request, _("Choose PDF or ZIP."))
        return redirect("reports:archive-members")
    year = _year(request)
    try:
        scope, members = branch_archive_members(request.user, request.GET.get("org"))
    except access.ReportAccessDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except access.ReportInputError as exc:
        messages.error(request, str(exc))
        return redirect("reports:archive-members")
    params = {"org": scope.units[0].pk, "year": year}
    count = members.count()
    if count > services.archive_sync_max_members():
        with transaction.atomic():
            services.queue_export(request.user, "archives", params, fmt, services.report_language(None),
                                 audit.Channel.WEB, scope=scope)
        messages.success(request, _("%(count)d archives are being prepared; they will appear under My exports.")
                         % {"count": count})
        return redirect("reports:reports-exports")
    filename = f"archives-{scope.units[0].pk}-{year}.{fmt}"
    try:
        if fmt == "zip":
            content, _count = pdf.archives_zip_bytes(build_archives(members, year))
            content_type = "application/zip"
        else:
            content = pdf.archives_pdf(build_archives(members, year))
            content_type = "application/pdf"
    except pdf.PdfFontMissing as exc:
        messages.error(request, str(exc))
        return redirect("reports:archive-members")
    audit.record(request.user, audit.Action.ARCHIVE_EXPORT, "archives", params=params, scope=scope, fmt=fmt,
                 rows=count)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_POST
def reverse_entry(request, entry_id):
    """HR or the branch secretary cancels an entry with a reversing entry and a reason."""
    entry = get_object_or_404(StudyHourEntry.objects.select_related("member"), pk=entry_id)
    member = entry.member
    if not access.can_correct(request.user, member):
        raise PermissionDenied(_("Only HR or the member's branch secretary can correct entries."))
    back = reverse("reports:archive-detail", args=[member.pk]) + f"?year={entry.year}"
    try:
        reversal = ledger.reverse(entry, reason=request.POST.get("reason", ""), created_by=request.user)
    except ledger.CorrectionError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    audit.record(request.user, audit.Action.CORRECTION, "archive",
                 params={"entry": entry.pk, "reversal": reversal.pk, "reason": reversal.reason}, member=member)
    messages.success(request, _("Entry reversed: %(hours)s hours taken off.") % {"hours": entry.hours})
    return redirect(back)
