"""HR report pages: filters, preview table, branch charts, downloads, exports, subscriptions, audit log."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.evaluation import access as evaluation_access
from lms.org.models import Post, Role
from lms.org.scope import managed_units
from lms.points import access as points_access

from . import access, audit, pdf, services, wording
from .models import AuditLogEntry, ExportJob, ReportSubscription
from .registry import REPORTS, available_reports, get_report
from .units import unit_choices

PREVIEW_ROWS = 200
CHART_BRANCHES = 40
SUBSCRIBABLE = ("hours_summary", "compliance", "branch_ledger", "training_records", "org_life_ledger",
                "org_life_completion", "org_life_attendance", "org_life_branch_attendance")


def _units_for_filter(user):
    """Units a user can pick as report scope: their roots and the committees/branches below."""
    return unit_choices(managed_units(user))


def _years(today: datetime.date) -> list[int]:
    return list(range(today.year, today.year - 6, -1))


@login_required
def index(request):
    reports = available_reports(request.user)
    if not reports:
        raise PermissionDenied(_("Reports are available to HR, branch secretaries and trainers."))
    return render(request, "reports/index.html", {
        "reports": reports, "is_hr": access.can_read_audit_log(request.user),
        "manages": access.can_use_reports(request.user),
        # Evaluation results and points have their own pages (charts, XLSX), reached from here.
        "evaluation_results": evaluation_access.can_use_results(request.user),
        "points_report": bool(points_access.export_units(request.user)),
    })


def _bars(chart: list[dict]) -> dict:
    shown = chart[:CHART_BRANCHES]
    top_hours = max((float(c["average_hours"]) for c in shown), default=0) or 1
    for c in shown:
        c["hours_pct"] = round(float(c["average_hours"]) * 100 / top_hours, 1)
        c["rate_pct"] = float(c["compliance_rate"]) if c["compliance_rate"] is not None else 0
    return {"bars": shown, "total": len(chart), "cut": len(chart) > len(shown)}


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def report_page(request, name):
    report = get_report(name)
    if report is None:
        raise Http404(_("There is no such report."))
    fmt = request.GET.get("format", "").lower()
    try:
        run = services.build_run(request.user, name, request.GET)
        language = services.report_language(request.GET.get("lang"))
    except access.ReportAccessDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.INPUT_ERRORS as exc:
        messages.error(request, str(exc))
        return redirect(reverse("reports:reports-page", args=[name]))
    params = run.params()
    if fmt in ("csv", "xlsx"):
        if services.needs_background(run, fmt):
            with transaction.atomic():
                services.queue_export(request.user, name, params, fmt, language, audit.Channel.WEB, scope=run.scope)
            messages.success(request, _("This export is large: it is being prepared and will appear under "
                                        "My exports (you also get an e-mail when it is ready)."))
            return redirect("reports:reports-exports")
        audit.record(request.user, audit.Action.EXPORT, name, params=params, scope=run.scope, fmt=fmt)
        return services.stream_response(run, fmt, language)
    if fmt == "pdf":
        try:
            content = pdf.report_pdf(run, language)
        except pdf.PdfFontMissing as exc:
            messages.error(request, str(exc))
            return redirect(reverse("reports:reports-page", args=[name]))
        audit.record(request.user, audit.Action.EXPORT, name, params=params, scope=run.scope, fmt="pdf")
        return pdf_response(content, run.filename("pdf"))
    if fmt and fmt != "html":
        messages.error(request, _("Unknown format %(fmt)s.") % {"fmt": fmt})
    rows = list(report.page(run, 0, PREVIEW_ROWS + 1))
    chart = report.chart(run)
    audit.record(request.user, audit.Action.VIEW, name, params=params, scope=run.scope, fmt="html")
    query = request.GET.copy()
    query.pop("format", None)
    columns = run.columns
    return render(request, "reports/report.html", {
        "report": report, "run": run, "columns": columns,
        "rows": [[c.show(v) for c, v in zip(columns, row, strict=True)] for row in rows[:PREVIEW_ROWS]],
        "more": len(rows) > PREVIEW_ROWS, "preview_rows": PREVIEW_ROWS,
        "chart": _bars(chart) if chart else None,
        "query": query.urlencode(), "params": request.GET, "units": _units_for_filter(request.user),
        "roles": Role.objects.all(), "posts": Post.objects.all(), "years": _years(run.today),
        "language": language, "reports": available_reports(request.user),
        # A subscription keeps org unit and role, not a post: no subscription of a post-filtered view.
        "subscribable": name in SUBSCRIBABLE and access.can_use_reports(request.user) and not run.scope.post,
        "subscription_periods": ReportSubscription.Period.choices,
    })


@login_required
def exports(request):
    jobs = list(ExportJob.objects.filter(user=request.user)[:50])
    for job in jobs:
        job.report_title = wording.report_title(job.report)
    wording.describe_params(jobs)
    return render(request, "reports/exports.html", {"jobs": jobs, "reports": REPORTS})


@login_required
def export_download(request, token):
    job = get_object_or_404(ExportJob, token=token)
    if job.user_id != request.user.pk:
        raise Http404(_("There is no such export."))
    if job.status != ExportJob.Status.DONE or not job.file:
        messages.info(request, _("This export is not ready yet."))
        return redirect("reports:reports-exports")
    audit.record(request.user, audit.Action.DOWNLOAD, job.report, params=job.params, fmt=job.format,
                 rows=job.row_count)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)


@login_required
def subscriptions(request):
    if not access.can_use_reports(request.user):
        raise PermissionDenied(_("Reports are available to HR and branch secretaries only."))
    if request.method == "POST":
        return _subscribe(request)
    subs = list(ReportSubscription.objects.filter(user=request.user).select_related("org_unit"))
    role_names = dict(Role.objects.values_list("code", "name"))
    for sub in subs:
        sub.report_title = wording.report_title(sub.report)
        sub.role_name = role_names.get(sub.role, sub.role)
    return render(request, "reports/subscriptions.html", {
        "subscriptions": subs, "reports": {n: REPORTS[n] for n in SUBSCRIBABLE},
        "units": _units_for_filter(request.user), "roles": Role.objects.all(),
        "periods": ReportSubscription.Period.choices, "formats": ReportSubscription.Format.choices,
    })


def _subscribe(request):
    data = request.POST
    name = data.get("report", "")
    if name not in SUBSCRIBABLE:
        messages.error(request, _("Choose a report to subscribe to."))
        return redirect("reports:reports-subscriptions")
    period = data.get("period") or ReportSubscription.Period.YEAR_TO_DATE
    fmt = data.get("format") or ReportSubscription.Format.XLSX
    if period not in ReportSubscription.Period.values or fmt not in ReportSubscription.Format.values:
        messages.error(request, _("Invalid period or format."))
        return redirect("reports:reports-subscriptions")
    try:
        scope = access.report_scope(request.user, org=data.get("org"), role=data.get("role", ""))
        language = services.report_language(data.get("lang"))
    except access.ReportAccessDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except access.ReportInputError as exc:
        messages.error(request, str(exc))
        return redirect("reports:reports-subscriptions")
    org_unit = scope.units[0] if data.get("org") else None
    try:
        with transaction.atomic():
            sub, created = ReportSubscription.objects.get_or_create(
                user=request.user, report=name, org_unit=org_unit, role=scope.role, period=period, format=fmt,
                defaults={"language": language})
            if not created and not sub.is_active:
                sub.is_active = created = True
                sub.last_error = ""
                sub.save(update_fields=["is_active", "last_error"])
    except IntegrityError:
        created = False
    if created:
        audit.record(request.user, audit.Action.SUBSCRIPTION, name, params={"subscribe": True, "period": period,
                     "format": fmt, "role": scope.role}, scope=scope, fmt=fmt)
    messages.success(request, _("Subscribed: you will receive this report by e-mail every month.") if created
                     else _("You were already subscribed to this report."))
    return redirect("reports:reports-subscriptions")


@login_required
@require_POST
def unsubscribe(request, pk):
    sub = get_object_or_404(ReportSubscription, pk=pk, user=request.user)
    audit.record(request.user, audit.Action.SUBSCRIPTION, sub.report, params={"subscribe": False},
                 scope=[sub.org_unit] if sub.org_unit else managed_units(request.user), fmt=sub.format)
    sub.delete()
    messages.success(request, _("Subscription removed."))
    return redirect("reports:reports-subscriptions")


@login_required
def audit_log(request):
    if not access.can_read_audit_log(request.user):
        raise PermissionDenied(_("The audit log is visible to HR only."))
    qs = audit.visible_entries(request.user).select_related("member")
    action = request.GET.get("action", "")
    if action in AuditLogEntry.Action.values:
        qs = qs.filter(action=action)
    who = request.GET.get("user", "").strip()
    if who:
        qs = qs.filter(username__icontains=who)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for entry in page:
        entry.report_title = wording.report_title(entry.report)
    wording.describe_params(page)
    return render(request, "reports/audit.html", {
        "page": page, "actions": AuditLogEntry.Action.choices, "action": action, "who": who,
        "now": timezone.localtime(),
    })
