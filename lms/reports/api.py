"""REST API of reports and archives: /api/v1/reports/<name>/?format=json|csv|xlsx, /api/v1/archives/<id>/."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.org.models import Member

from . import access, audit, exporting, pdf, services
from .archive import build_archive
from .models import AuditLogEntry, ExportJob, ReportSubscription
from .periods import PeriodError, parse_period
from .registry import available_reports

MAX_PAGE_SIZE = 5000


class _FileRenderer(BaseRenderer):
    """Lets ?format=csv|xlsx through content negotiation; the view returns the file itself."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


class CSVRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(_FileRenderer):
    media_type = exporting.CONTENT_TYPES["xlsx"]
    format = "xlsx"


class PDFRenderer(_FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class _JSONErrors:
    """Errors and job receipts are JSON, whatever file format was asked for."""

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and isinstance(getattr(request, "accepted_renderer", None),
                                                         _FileRenderer | type(None)):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


def _raise_api(exc):
    if isinstance(exc, access.ReportAccessDenied):
        raise PermissionDenied(str(exc))
    if isinstance(exc, services.UnknownReport):
        raise NotFound(str(exc))
    raise ValidationError({"detail": [str(exc)]})


def _positive_int(value, default, field, maximum=None):
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: [_("Must be a whole number.")]}) from None
    if number < 1 or (maximum and number > maximum):
        raise ValidationError({field: [_("Must be between 1 and %(max)s.") % {"max": maximum or "∞"}]})
    return number


PERIOD_PARAMS = [
    OpenApiParameter("year", int, description="Calendar year (default: this year)."),
    OpenApiParameter("quarter", int, description="1-4, within year."),
    OpenApiParameter("month", int, description="1-12, within year."),
    OpenApiParameter("start", OpenApiTypes.DATE, description="Custom range start (with end)."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Custom range end."),
]
REPORT_PARAMS = PERIOD_PARAMS + [
    OpenApiParameter("org", int, description="Org unit id: the report covers its subtree (default: your scope)."),
    OpenApiParameter("role", str, description="Only members holding this role code."),
    OpenApiParameter("format", str, enum=["json", "csv", "xlsx"], description="json (paged), csv or xlsx."),
    OpenApiParameter("lang", str, enum=["zh-hans", "en"], description="Language of column headers and labels."),
    OpenApiParameter("page", int), OpenApiParameter("page_size", int, description="JSON rows per page (≤ 5000)."),
]


class ReportListView(APIView):
    @extend_schema(operation_id="reports_available", responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response({"results": [
            {"name": r.name, "title": str(r.title), "description": str(r.description),
             "url": request.build_absolute_uri(reverse("api-report", args=[r.name]))}
            for r in available_reports(request.user)]})


class ReportView(_JSONErrors, APIView):
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer, XLSXRenderer, PDFRenderer]

    @extend_schema(operation_id="reports_run", parameters=REPORT_PARAMS, responses={
        200: OpenApiResponse(OpenApiTypes.OBJECT, description="JSON page of rows, or the CSV/XLSX file."),
        202: OpenApiResponse(OpenApiTypes.OBJECT, description="Export too large for a request: a job to poll."),
    })
    def get(self, request, name):
        fmt = (request.query_params.get("format") or "json").lower()
        try:
            run = services.build_run(request.user, name, request.query_params)
            language = services.report_language(request.query_params.get("lang"))
        except (services.UnknownReport, access.ReportAccessDenied, *services.INPUT_ERRORS) as exc:
            _raise_api(exc)
        params = run.params()
        if fmt in ("csv", "xlsx"):
            if services.needs_background(run, fmt):
                job = services.queue_export(request.user, name, params, fmt, language, audit.Channel.API,
                                           scope=run.scope)
                return Response(_job_data(request, job), status=status.HTTP_202_ACCEPTED)
            audit.record(request.user, audit.Action.EXPORT, name, params=params, scope=run.scope, fmt=fmt,
                         channel=audit.Channel.API)
            return services.stream_response(run, fmt, language)
        if fmt == "pdf":
            try:
                content = pdf.report_pdf(run, language)
            except pdf.PdfFontMissing as exc:
                raise APIException(str(exc)) from exc
            audit.record(request.user, audit.Action.EXPORT, name, params=params, scope=run.scope, fmt="pdf",
                         channel=audit.Channel.API)
            response = HttpResponse(content, content_type="application/pdf")
            response["Content-Disposition"] = content_disposition_header(True, run.filename("pdf"))
            return response
        page = _positive_int(request.query_params.get("page"), 1, "page")
        size = _positive_int(request.query_params.get("page_size"), 500, "page_size", MAX_PAGE_SIZE)
        rows, total = exporting.json_rows(run, offset=(page - 1) * size, limit=size)
        audit.record(request.user, audit.Action.VIEW, name, params=params, scope=run.scope, fmt="json",
                     rows=total, channel=audit.Channel.API)
        base = request.build_absolute_uri(request.path)
        query = request.query_params.copy()

        def link(n):
            query["page"] = n
            return f"{base}?{query.urlencode()}"

        return Response({
            "report": run.report.name, "title": str(run.report.title), "period": run.period.to_params(),
            "period_label": run.period.label, "scope": run.scope.label,
            "columns": [{"key": c.key, "label": str(c.label)} for c in run.columns],
            "count": total, "page": page, "page_size": size,
            "next": link(page + 1) if page * size < total else None,
            "previous": link(page - 1) if page > 1 else None,
            "results": rows,
        })


def _job_data(request, job: ExportJob) -> dict:
    data = {"job": str(job.token), "report": job.report, "format": job.format, "status": job.status,
            "rows": job.row_count, "error": job.error,
            "status_url": request.build_absolute_uri(reverse("api-report-export", args=[job.token])),
            "download_url": None}
    if job.status == ExportJob.Status.DONE:
        data["download_url"] = request.build_absolute_uri(job.get_absolute_url())
    return data


class ExportJobView(APIView):
    @extend_schema(operation_id="reports_export_status", responses=OpenApiTypes.OBJECT)
    def get(self, request, token):
        job = ExportJob.objects.filter(token=token, user=request.user).first()
        if job is None:
            raise NotFound(_("There is no such export."))
        return Response(_job_data(request, job))


class AuditLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditLogEntry
        fields = ["id", "created_at", "username", "action", "channel", "report", "params", "scope", "member",
                  "format", "row_count"]


class AuditLogViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AuditLogSerializer
    queryset = AuditLogEntry.objects.none()
    filterset_fields = ["action", "report", "channel"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AuditLogEntry.objects.none()
        if not access.can_read_audit_log(self.request.user):
            raise PermissionDenied(_("The audit log is visible to HR only."))
        return audit.visible_entries(self.request.user)


class SubscriptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportSubscription
        fields = ["id", "report", "org_unit", "role", "period", "format", "language", "is_active", "created_at",
                  "last_sent_period", "last_sent_at", "last_error"]
        read_only_fields = ["is_active", "created_at", "last_sent_period", "last_sent_at", "last_error"]

    def validate_report(self, value):
        from .views import SUBSCRIBABLE

        if value not in SUBSCRIBABLE:
            raise serializers.ValidationError(_("This report cannot be subscribed to."))
        return value

    def validate(self, attrs):
        user = self.context["request"].user
        try:
            scope = access.report_scope(user, org=attrs.get("org_unit"), role=attrs.get("role", ""))
            attrs["language"] = services.report_language(attrs.get("language"))
        except access.ReportAccessDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except access.ReportInputError as exc:
            raise serializers.ValidationError({"detail": [str(exc)]}) from exc
        attrs["role"] = scope.role
        if ReportSubscription.objects.filter(user=user, report=attrs["report"], org_unit=attrs.get("org_unit"),
                                             role=scope.role, period=attrs.get("period", "ytd"),
                                             format=attrs.get("format", "xlsx")).exists():
            raise serializers.ValidationError({"detail": [_("You are already subscribed to this report.")]})
        return attrs


class SubscriptionViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = SubscriptionSerializer
    queryset = ReportSubscription.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReportSubscription.objects.none()
        return ReportSubscription.objects.filter(user=self.request.user)

    def perform_create(self, serializer):
        if not access.can_use_reports(self.request.user):
            raise PermissionDenied(_("Reports are available to HR and branch secretaries only."))
        sub = serializer.save(user=self.request.user)
        audit.record(self.request.user, audit.Action.SUBSCRIPTION, sub.report, params={"subscribe": True},
                     scope=[sub.org_unit] if sub.org_unit else access.managed_units(self.request.user),
                     fmt=sub.format, channel=audit.Channel.API)

    def perform_destroy(self, instance):
        audit.record(self.request.user, audit.Action.SUBSCRIPTION, instance.report, params={"subscribe": False},
                     scope=[instance.org_unit] if instance.org_unit else access.managed_units(self.request.user),
                     fmt=instance.format, channel=audit.Channel.API)
        instance.delete()


def _archive_member(request, member_id) -> Member:
    member = get_object_or_404(Member.objects.select_related("org_unit"), pk=member_id)
    if not access.can_view_archive(request.user, member):
        raise PermissionDenied(_("You may not see this member's archive."))
    return member


def _archive_year(request) -> int:
    try:
        return parse_period({"year": request.query_params.get("year", "")}, timezone.localdate()).year
    except PeriodError as exc:
        raise ValidationError({"year": [str(exc)]}) from exc


def _hours(value):
    return None if value is None else float(value)


def _entry(e) -> dict:
    return {"id": e.id, "date": e.date.isoformat(), "title": e.title, "reference": e.reference,
            "source": e.source, "hours": float(e.hours), "reverses": e.reverses_id, "reason": e.reason,
            "reversed_by": getattr(getattr(e, "reversal", None), "id", None)}


def _org_life(life) -> dict:
    return {"expected": life.expected, "attended": life.attended, "leave": life.leave, "absent": life.absent,
            "activities": [{"id": a.activity_id, "starts_at": a.starts_at.isoformat(), "kind": a.kind,
                            "title": a.title, "status": a.status, "status_label": a.status_label, "note": a.note}
                           for a in life.lines]}


class ArchiveView(_JSONErrors, APIView):
    @extend_schema(operation_id="archive_retrieve", parameters=[PERIOD_PARAMS[0]], responses=OpenApiTypes.OBJECT)
    def get(self, request, member_id):
        member = _archive_member(request, member_id)
        year = _archive_year(request)
        archive = build_archive(member, year)
        audit.record(request.user, audit.Action.ARCHIVE_VIEW, "archive", params={"member": member.pk, "year": year},
                     member=member, fmt="json", channel=audit.Channel.API)
        from .sources import attempt_title

        return Response({
            "member": {"id": member.pk, "employee_no": member.employee_no, "name": member.name,
                       "org_unit": member.org_unit.full_name},
            "year": year, "required": _hours(archive.required), "earned": _hours(archive.total),
            "compliant": archive.compliant, "shortfall": _hours(archive.shortfall),
            "by_source": {g.source: {"label": g.label, "hours": _hours(g.hours),
                                     "entries": [_entry(e) for e in g.entries]} for g in archive.groups},
            "corrections": [_entry(c) for c in archive.corrections],
            "assignments": [{"id": a.pk, "course": a.course.title, "status": a.status,
                             "due_on": a.due_on.isoformat() if a.due_on else None}
                            for a in archive.assignments],
            "quiz_results": [{"id": q.pk, "title": attempt_title(q), "score": _hours(q.score),
                              "max_score": _hours(q.max_score), "passed": q.passed,
                              "submitted_at": q.submitted_at.isoformat() if q.submitted_at else None}
                             for q in archive.quiz_results],
            "organizational_life": _org_life(archive.org_life),
            "generated_at": archive.generated_at.isoformat(),
        })


class ArchivePdfView(_JSONErrors, APIView):
    renderer_classes = [PDFRenderer, JSONRenderer]

    @extend_schema(operation_id="archive_pdf", parameters=[PERIOD_PARAMS[0]],
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, member_id):
        member = _archive_member(request, member_id)
        year = _archive_year(request)
        archive = build_archive(member, year)
        try:
            content = pdf.archive_pdf(archive)
        except pdf.PdfFontMissing as exc:
            raise ValidationError({"detail": [str(exc)]}) from exc
        audit.record(request.user, audit.Action.ARCHIVE_EXPORT, "archive", params={"member": member.pk, "year": year},
                     member=member, fmt="pdf", channel=audit.Channel.API)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(True, pdf.archive_filename(archive))
        return response
