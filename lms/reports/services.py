"""What pages, the API, the command line and tasks share: building a checked report run and exporting it."""

import datetime

from celery import current_app
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from . import access, audit, exporting
from .access import ReportAccessDenied, ReportInputError
from .models import ExportJob
from .periods import PeriodError, parse_period
from .registry import ReportRun, get_report

# Above these row counts an export runs as a Celery task instead of in the request.
DEFAULT_SYNC_MAX_ROWS = {"csv": 200_000, "xlsx": 20_000, "json": 20_000}
DEFAULT_ARCHIVE_SYNC_MAX_MEMBERS = 25
RUN_EXPORT_TASK = "reports.run_export"  # tasks.run_export, sent by name: tasks.py imports this module


def _task(name: str):
    """The task of tasks.py registered as ``name`` (apps.ready imports tasks.py); honours task_always_eager."""
    return current_app.tasks[name]


class UnknownReport(LookupError):
    pass


def sync_max_rows(fmt: str) -> int:
    limits = {**DEFAULT_SYNC_MAX_ROWS, **getattr(settings, "LMS_REPORT_SYNC_MAX_ROWS", {})}
    return limits.get(fmt, DEFAULT_SYNC_MAX_ROWS["xlsx"])


def archive_sync_max_members() -> int:
    return getattr(settings, "LMS_ARCHIVE_SYNC_MAX_MEMBERS", DEFAULT_ARCHIVE_SYNC_MAX_MEMBERS)


def report_language(value: str | None) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    value = (value or "").strip().lower()
    if value in codes:
        return value
    if value in ("zh", "zh-cn", "zh_hans", "zh-hans"):
        return "zh-hans"
    if value:
        raise ReportInputError(_("Unknown language %(code)s.") % {"code": value})
    current = translation.get_language() or settings.LANGUAGE_CODE
    return current if current in codes else settings.LANGUAGE_CODE


def build_run(user, name: str, params, *, shell: bool = False, today: datetime.date | None = None) -> ReportRun:
    """A run of report ``name`` with ``params`` (a query dict), checked against the user's rights.

    Raises UnknownReport, ReportAccessDenied, ReportInputError or PeriodError.
    """
    report = get_report(name)
    if report is None:
        raise UnknownReport(_("There is no report called %(name)s.") % {"name": name})
    today = today or timezone.localdate()
    period = parse_period(params, today)
    if shell:
        scope = access.shell_scope(org=params.get("org"), role=params.get("role", ""), post=params.get("post", ""))
    else:
        if not report.allowed(user):
            raise ReportAccessDenied(_("You may not run the %(report)s report.") % {"report": report.title})
        scope = report.scope_for(user, org=params.get("org"), role=params.get("role", ""),
                                 post=params.get("post", ""))
    return ReportRun(report=report, scope=scope, period=period, today=today, user=user)


INPUT_ERRORS = (ReportInputError, PeriodError)


def stream_response(run: ReportRun, fmt: str, language: str):
    """A streamed CSV or XLSX download of ``run`` (the caller has checked rights and size)."""
    if fmt == "csv":
        def chunks():
            # The generator runs after the view returned: activate the language inside it.
            with translation.override(language):
                for chunk in exporting.csv_chunks(run, language):
                    yield chunk.encode("utf-8")
        response = StreamingHttpResponse(chunks(), content_type=exporting.CONTENT_TYPES["csv"])
        response["Content-Disposition"] = content_disposition_header(True, run.filename("csv"))
        return response
    tmp, _rows = exporting.xlsx_tempfile(run, language)
    return FileResponse(tmp, as_attachment=True, filename=run.filename("xlsx"),
                        content_type=exporting.CONTENT_TYPES["xlsx"])


def needs_background(run: ReportRun, fmt: str) -> bool:
    return run.count() > sync_max_rows(fmt)


def queue_export(user, report: str, params: dict, fmt: str, language: str, channel: str,
                 scope=None) -> ExportJob:
    """Create an ExportJob and hand it to Celery once the transaction commits."""
    run_export = _task(RUN_EXPORT_TASK)
    job = ExportJob.objects.create(user=user, report=report, params=params, format=fmt, language=language)
    audit.record(user, audit.Action.EXPORT_QUEUED, report, params=params, scope=scope, fmt=fmt, channel=channel)
    transaction.on_commit(lambda: run_export.delay(job.pk))
    return job


def save_job_file(job: ExportJob, fileobj, filename: str) -> None:
    fileobj.seek(0)
    job.file.save(f"{job.token}-{filename}", File(fileobj), save=False)
    job.filename = filename


__all__ = ["ReportAccessDenied", "ReportInputError", "PeriodError", "UnknownReport", "build_run",
           "stream_response", "needs_background", "queue_export", "report_language", "INPUT_ERRORS"]
