from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "lms.site"
    label = "site"
    verbose_name = _("Site")

    def ready(self):
        from . import navigation

        navigation.register_entries()
        from .bootstrap import bootstrap

        post_migrate.connect(_run_bootstrap, sender=self, dispatch_uid="lms-site-bootstrap")
        self._bootstrap = bootstrap


def _run_bootstrap(sender, using="default", **kwargs):
    sender._bootstrap(using=using)
