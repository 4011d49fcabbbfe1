from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "lms.progress"
    label = "progress"
    verbose_name = _("Learning progress")

    def ready(self):
        from lms.catalog import completion
        from lms.catalog import page_context as catalog_pages
        from lms.records import sources

        from . import page_context, services

        # The lesson completion rules this app judges (the heartbeat and the confirm button).
        # xgettext:no-python-format
        completion.register(completion.VIDEO, _("Watch at least 90% of the video"), order=10)
        completion.register(completion.CONFIRM, _("Confirm after the minimum study time"), order=20)
        sources.register(services.LEDGER_COURSE, _("Course"), order=10)
        sources.register(services.LEDGER_LESSON, _("Lesson"), order=20)

        catalog_pages.register("catalog", page_context.on_catalog)
        catalog_pages.register("course", page_context.on_course)
        catalog_pages.register("lesson", page_context.on_lesson)
