from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "lms.catalog"
    label = "catalog"
    verbose_name = _("Course catalog")

    def ready(self):
        from . import listing, page_context

        page_context.register("catalog", listing.catalog_context, order=0)
        page_context.register("course", listing.course_context, order=0)
        page_context.register("lesson", listing.lesson_context, order=0)
