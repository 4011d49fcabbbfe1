from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "lms.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from lms.common import exports

        # definitions: register the built-in reports (activity_reports: organizational life, after them);
        # tasks: registered here, services.py sends them by name
        from . import activity_reports, audit, bootstrap, definitions, navigation, tasks  # noqa: F401

        navigation.register_entries()
        exports.set_auditor(audit.record_export)  # every table exported from a page goes into the audit log

        post_migrate.connect(bootstrap.ensure_schedule, sender=self, dispatch_uid="lms-reports-monthly-schedule")
