from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "lms.progress"
    label = "progress"
    verbose_name = _("Learning progress")

    def ready(self):
        from lms.catalog import page_context as catalog_pages
        from lms.records import sources

        from . import page_context, services

        sources.register(services.LEDGER_COURSE, _("Course"), order=10)
        sources.register(services.LEDGER_LESSON, _("Lesson"), order=20)

        catalog_pages.register("catalog", page_context.on_catalog)
        catalog_pages.register("course", page_context.on_course)
        catalog_pages.register("lesson", page_context.on_lesson)
