from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AnnouncementsConfig(AppConfig):
    name = "lms.announcements"
    label = "announcements"
    verbose_name = _("Announcements")

    def ready(self):
        from lms.common import slots

        from . import bootstrap, navigation, panels, tasks  # noqa: F401  tasks: registered by name

        navigation.register_entries()
        slots.register("today", "announcements/includes/today_panel.html", panels.today_panel, order=20)
        post_migrate.connect(bootstrap.after_migrate, sender=self, dispatch_uid="announcements-after-migrate")
