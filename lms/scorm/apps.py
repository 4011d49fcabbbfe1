from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate
from django.utils.translation import gettext_lazy as _


class ScormConfig(AppConfig):
    name = "lms.scorm"
    label = "scorm"
    verbose_name = _("SCORM packages")

    def ready(self):
        from lms.catalog import completion
        from lms.common import slots

        from . import bootstrap, handlers, panels, services
        from .models import ScormPackage

        completion.register(services.SCORM, _("Complete the SCORM package"), order=50)
        slots.register("lesson_page", "scorm/includes/player.html", panels.lesson_panel, order=60)
        post_migrate.connect(bootstrap.after_migrate, sender=self, dispatch_uid="lms-scorm-after-migrate")
        post_delete.connect(handlers.package_deleted, sender=ScormPackage, dispatch_uid="lms-scorm-deleted")
