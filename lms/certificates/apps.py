from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "lms.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from lms.common import slots
        from lms.progress.signals import course_completed

        from . import bootstrap, handlers, panels

        course_completed.connect(handlers.on_course_completed, dispatch_uid="certificates-course-completed")
        slots.register("my_learning", "certificates/includes/my_certificates.html", panels.my_certificates,
                       order=15)
        post_migrate.connect(bootstrap.after_migrate, sender=self, dispatch_uid="certificates-after-migrate")
