from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "lms.activities"
    label = "activities"
    verbose_name = _("Organizational life")

    def ready(self):
        from lms.org.models import OrgUnit
        from lms.records import sources

        from . import attendance, bootstrap, calendar_sources, handlers, navigation, tasks  # noqa: F401  tasks: by name

        sources.register(attendance.SOURCE, _("Organizational life"), order=35)
        navigation.register_entries()
        calendar_sources.register_sources()
        post_save.connect(handlers.unit_saved, sender=OrgUnit, dispatch_uid="activities-unit-saved")
        post_migrate.connect(bootstrap.after_migrate, sender=self, dispatch_uid="activities-after-migrate")
