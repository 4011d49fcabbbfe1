from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "lms.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from lms.common import exports

        from . import audit, navigation, tasks  # noqa: F401  tasks: registered here, service.py sends them by name

        navigation.register_entries()
        exports.set_auditor(audit.record_export)  # every table exported from a page goes into the audit log

        post_migrate.connect(_ensure_schedule, sender=self, dispatch_uid="lms-reports-monthly-schedule")


MONTHLY_TASK_NAME = "reports: monthly report subscriptions"


def _ensure_schedule(sender, using="default", **kwargs):
    """The beat entry that mails subscribed reports on the 1st of each month at 07:00 (idempotent)."""
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    schedule, _created = CrontabSchedule.objects.using(using).get_or_create(
        minute="0", hour="7", day_of_month="1", month_of_year="*", day_of_week="*",
        timezone=settings.CELERY_TIMEZONE,
    )
    PeriodicTask.objects.using(using).get_or_create(
        name=MONTHLY_TASK_NAME,
        defaults={"task": "reports.send_monthly_reports", "crontab": schedule, "queue": "default"},
    )
