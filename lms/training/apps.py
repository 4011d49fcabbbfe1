from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "lms.training"
    label = "training"
    verbose_name = _("Training plans")

    def ready(self):
        from . import handlers, navigation, tasks  # noqa: F401  tasks: registered for scheduling (sent by name)
        from .calendar_sources import register_sources as register_calendar_sources

        navigation.register_entries()
        register_calendar_sources()

        post_migrate.connect(_bootstrap, sender=self, dispatch_uid="lms-training-bootstrap")


def _bootstrap(sender, using="default", **kwargs):
    from .bootstrap import bootstrap

    bootstrap(using=using)
