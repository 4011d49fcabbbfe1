from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "lms.org"
    label = "org"
    verbose_name = _("Organization")

    def ready(self):
        from . import handlers  # noqa: F401
