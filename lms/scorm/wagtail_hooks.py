"""SCORM packages in the Wagtail admin (trainers upload, attach to a lesson and preview)."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import ScormPackageForm
from .models import ScormPackage


def _preview(instance):
    return format_html('<a href="{}">{}</a>', reverse("scorm:player", args=[instance.pk]), _("Open"))


class ScormPackageViewSet(SnippetViewSet):
    model = ScormPackage
    icon = "media"
    menu_label = _("SCORM packages")
    menu_name = "scorm"
    menu_order = 232
    add_to_admin_menu = True
    list_display = ["title", "version", "lesson", "file_count", "created_at",
                    Column("play", label=_("Preview"), accessor=_preview)]
    list_filter = ["version"]
    edit_handler = ObjectList([FieldPanel("upload"), FieldPanel("title"), FieldPanel("lesson")],
                              base_form_class=ScormPackageForm)


register_snippet(ScormPackageViewSet)
