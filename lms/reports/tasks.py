"""Background exports and the monthly report subscriptions."""

import datetime
import logging
import tempfile

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms.common.safe_text import without_paths
from lms.org.models import Member

from . import audit, exporting, services
from .archive import branch_archive_members, build_archives
from .models import ExportJob, ReportSubscription
from .periods import month_period

log = logging.getLogger(__name__)


def _absolute(url: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


def _mark_failed(job_id: int, message: str) -> None:
    ExportJob.objects.filter(pk=job_id).exclude(status=ExportJob.Status.DONE).update(
        status=ExportJob.Status.FAILED, error=message[:2000], finished_at=timezone.now())


def _on_export_failure(self, exc, task_id, args, kwargs, einfo):
    """An unexpected error: the worker's log has the details, the member reads what to do."""
    if args:
        log.error("Export job %s failed: %s", args[0], exc, exc_info=getattr(einfo, "exc_info", None))
        language = ExportJob.objects.filter(pk=args[0]).values_list("language", flat=True).first()
        with translation.override(language or settings.LANGUAGE_CODE):
            _mark_failed(args[0], _("The export failed because of an internal error. Try again later; if it "
                                    "fails again, tell the administrator."))


def _write_job(job: ExportJob, tmp) -> tuple[str, int]:
    """Write the file a job asks for into ``tmp``; returns (filename, rows)."""
    user = job.user
    if job.report == "archives":
        from . import pdf  # fpdf: loaded for archive exports only

        scope, members = branch_archive_members(user, job.params.get("org"))
        year = int(job.params["year"])
        archives = build_archives(members, year)

        if job.format == "zip":
            rows = pdf.archives_zip(archives, tmp)
        else:
            content = pdf.archives_pdf(archives)
            tmp.write(content)
            rows = members.count()
        unit = scope.units[0]
        return f"archives-{unit.pk}-{year}.{job.format}", rows
    run = services.build_run(user, job.report, job.params)
    rows = exporting.write(run, job.format, job.language, tmp)
    return run.filename(job.format), rows


@shared_task(name="reports.run_export", queue="default", soft_time_limit=3600, time_limit=3700,
             on_failure=_on_export_failure)
def run_export(job_id: int) -> str:
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.status == ExportJob.Status.DONE:
        return "skipped"  # deleted, or a retry after success
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, started_at=timezone.now(), error="")
    with translation.override(job.language), tempfile.TemporaryFile() as tmp:
        try:
            filename, rows = _write_job(job, tmp)
        except (services.ReportAccessDenied, *services.INPUT_ERRORS) as exc:
            _mark_failed(job.pk, str(exc))
            return "failed"
        with transaction.atomic():
            services.save_job_file(job, tmp, filename)
            job.row_count = rows
            job.status = ExportJob.Status.DONE
            job.finished_at = timezone.now()
            job.save(update_fields=["file", "filename", "row_count", "status", "finished_at"])
        audit.record(job.user, audit.Action.EXPORT, job.report, params=job.params, fmt=job.format, rows=rows,
                     channel=audit.Channel.TASK)
        if job.user.email:
            EmailMessage(
                subject=_("Your export %(name)s is ready") % {"name": filename},
                body=_("Download it here: %(url)s") % {"url": _absolute(job.get_absolute_url())},
                to=[job.user.email],
            ).send(fail_silently=False)
    return "done"


def _user_email(user) -> str:
    if user.email:
        return user.email
    member = Member.objects.filter(user=user).only("email").first()
    return member.email if member else ""


def _previous_month(today):
    first = today.replace(day=1)
    last_month_end = first - datetime.timedelta(days=1)
    return last_month_end.year, last_month_end.month


@shared_task(name="reports.send_monthly_reports", queue="default", soft_time_limit=600, time_limit=660)
def send_monthly_reports() -> int:
    """Beat entry point (1st of each month): enqueue every active subscription once for this month."""
    month_key = timezone.localdate().strftime("%Y-%m")
    ids = list(ReportSubscription.objects.filter(is_active=True).exclude(last_sent_period=month_key)
               .values_list("pk", flat=True))
    for pk in ids:
        send_subscription.delay(pk, month_key)
    return len(ids)


@shared_task(name="reports.send_subscription", queue="default", soft_time_limit=3600, time_limit=3700)
def send_subscription(subscription_id: int, month_key: str) -> str:
    """E-mail one subscribed report; sends at most once per month_key (retries do not duplicate mail)."""
    sub = ReportSubscription.objects.select_related("user", "org_unit").filter(pk=subscription_id).first()
    if sub is None or not sub.is_active:
        return "skipped"
    if sub.last_sent_period == month_key:
        return "already-sent"
    today = timezone.localdate()
    params = {"org": sub.org_unit_id or "", "role": sub.role}
    if sub.period == ReportSubscription.Period.LAST_MONTH:
        year, month = _previous_month(today)
        params.update(month_period(year, month).to_params())
    else:
        params["year"] = today.year
    email = _user_email(sub.user)
    with translation.override(sub.language):
        try:
            run = services.build_run(sub.user, sub.report, params, today=today)
        except (services.UnknownReport, services.ReportAccessDenied, *services.INPUT_ERRORS) as exc:
            # Rights lost since subscribing (role or unit changed): stop sending rather than leak.
            ReportSubscription.objects.filter(pk=sub.pk).update(is_active=False, last_error=str(exc)[:2000])
            return "deactivated"
        if not email:
            ReportSubscription.objects.filter(pk=sub.pk).update(last_error=_("The user has no e-mail address."))
            return "no-email"
        with tempfile.TemporaryFile() as tmp:
            rows = exporting.write(run, sub.format, sub.language, tmp)
            tmp.seek(0)
            title = str(run.report.title)
            message = EmailMessage(
                subject=_("%(report)s — %(period)s") % {"report": title, "period": run.period.label},
                body=_("Attached: %(report)s for %(scope)s, %(period)s (%(rows)d rows).\n"
                       "You receive this because you subscribed to it; manage subscriptions at %(url)s")
                % {"report": title, "scope": run.scope.label, "period": run.period.label, "rows": rows,
                   "url": _absolute("/reports/subscriptions/")},
                to=[email],
            )
            message.attach(run.filename(sub.format), tmp.read(), exporting.CONTENT_TYPES[sub.format])
            # Claim the month first so a concurrent or repeated run cannot send it twice; give the
            # claim back if the mail server refuses, so the next run tries again.
            previous = sub.last_sent_period
            updated = ReportSubscription.objects.filter(pk=sub.pk).exclude(last_sent_period=month_key).update(
                last_sent_period=month_key, last_sent_at=timezone.now(), last_error="")
            if not updated:
                return "already-sent"
            try:
                message.send(fail_silently=False)
            except OSError as exc:
                ReportSubscription.objects.filter(pk=sub.pk).update(last_sent_period=previous,
                                                                    last_error=without_paths(exc)[:2000])
                raise
    audit.record(sub.user, audit.Action.SCHEDULED, sub.report, params=params, scope=run.scope, fmt=sub.format,
                 rows=rows, channel=audit.Channel.TASK)
    return "sent"
