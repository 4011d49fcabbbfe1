"""Audit trail, background exports and monthly subscriptions of HR reports."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditImmutable(ValidationError):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutable(_("Audit log entries cannot be changed."))

    def delete(self):
        raise AuditImmutable(_("Audit log entries cannot be deleted."))


class AuditLogEntry(models.Model):
    """Who looked at or exported what, for which scope, and when. Append-only."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed report")
        EXPORT = "export", _("Exported report")
        EXPORT_QUEUED = "export_queued", _("Queued report export")
        DOWNLOAD = "download", _("Downloaded export")
        ARCHIVE_VIEW = "archive_view", _("Viewed archive")
        ARCHIVE_EXPORT = "archive_export", _("Exported archive")
        CORRECTION = "correction", _("Reversed a ledger entry")
        SUBSCRIPTION = "subscription", _("Changed a report subscription")
        SCHEDULED = "scheduled", _("Sent a scheduled report")

    class Channel(models.TextChoices):
        WEB = "web", _("Web")
        API = "api", _("API")
        SHELL = "shell", _("Command line")
        TASK = "task", _("Background task")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("user"))
    username = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    report = models.CharField(_("report"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    scope = models.CharField(_("scope"), max_length=500, blank=True)
    scope_units = models.ManyToManyField("org.OrgUnit", blank=True, related_name="+", verbose_name=_("scope units"))
    member = models.ForeignKey("org.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("member"))
    format = models.CharField(_("format"), max_length=10, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.report}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AuditImmutable(_("Audit log entries cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutable(_("Audit log entries cannot be deleted."))


class ExportJob(models.Model):
    """An export too large for a request, written by a Celery task."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_exports",
                             verbose_name=_("user"))
    report = models.CharField(_("report"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=10)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("file"), upload_to="reports/exports/", blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")

    def __str__(self):
        return f"{self.report}.{self.format} ({self.get_status_display()})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("reports:reports-export-download", args=[self.token])


class ReportSubscription(models.Model):
    """A report e-mailed every month to a user (HR, branch secretary) for their scope."""

    class Period(models.TextChoices):
        YEAR_TO_DATE = "ytd", _("Year to date")
        LAST_MONTH = "last_month", _("Previous month")

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_subscriptions",
                             verbose_name=_("user"))
    report = models.CharField(_("report"), max_length=40)
    org_unit = models.ForeignKey("org.OrgUnit", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("org unit"), help_text=_("Empty: the whole scope of the user."))
    role = models.CharField(_("role"), max_length=40, blank=True)
    period = models.CharField(_("period"), max_length=20, choices=Period.choices, default=Period.YEAR_TO_DATE)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.XLSX)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_sent_period = models.CharField(_("last period sent"), max_length=7, blank=True,
                                        help_text=_("YYYY-MM of the last monthly run that sent this report."))
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["user", "report", "org_unit", "role", "period", "format"],
                                    name="unique_report_subscription"),
        ]

    def __str__(self):
        return f"{self.user} – {self.report} ({self.get_period_display()})"
