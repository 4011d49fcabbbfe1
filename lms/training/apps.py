from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "lms.training"
    label = "training"
    verbose_name = _("Training plans")

    def ready(self):
        from lms.catalog import page_context as catalog_pages

        # tasks: registered for scheduling (sent by name)
        from . import handlers, navigation, page_context, tasks  # noqa: F401
        from .calendar_sources import register_sources as register_calendar_sources

        navigation.register_entries()
        register_calendar_sources()
        # Due dates and statuses of the member's assignments on the catalog's cards and course pages.
        catalog_pages.register("catalog", page_context.on_catalog)
        catalog_pages.register("course", page_context.on_course)

        post_migrate.connect(_bootstrap, sender=self, dispatch_uid="lms-training-bootstrap")


def _bootstrap(sender, using="default", **kwargs):
    from .bootstrap import bootstrap

    bootstrap(using=using)
