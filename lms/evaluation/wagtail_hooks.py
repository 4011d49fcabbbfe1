"""Admin: HR edits survey templates (with their questions inline) and attaches them to courses and activities;
a menu link to the results pages."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from lms.common.admin_columns import boolean_column
from lms.org.admin_scope import HRMenuItem

from .models import SurveyAssignment, SurveyTemplate


class SurveyTemplateViewSet(SnippetViewSet):
    model = SurveyTemplate
    icon = "form"
    menu_label = _("Survey templates")
    list_display = ["title", boolean_column(SurveyTemplate, "anonymous_free_text"),
                    boolean_column(SurveyTemplate, "active"), "updated_at"]
    list_filter = ["active"]
    search_fields = ["title"]


class SurveyAssignmentViewSet(SnippetViewSet):
    model = SurveyAssignment
    icon = "link"
    menu_label = _("Survey attachments")
    list_display = ["template", "course", "activity", boolean_column(SurveyAssignment, "required_before_completion"),
                    boolean_column(SurveyAssignment, "active"), "created_at"]
    list_filter = ["active", "required_before_completion"]
    copy_view_enabled = False
    panels = [FieldPanel("template"), FieldPanel("course"), FieldPanel("activity"),
              FieldPanel("required_before_completion"), FieldPanel("opens"), FieldPanel("active")]


class EvaluationGroup(SnippetViewSetGroup):
    items = (SurveyTemplateViewSet, SurveyAssignmentViewSet)
    menu_icon = "form"
    menu_label = _("Training evaluation")
    menu_order = 230


register_snippet(EvaluationGroup)


@hooks.register("register_admin_menu_item")
def results_menu_item():
    return HRMenuItem(_("Survey results"), reverse_lazy("evaluation:results"), icon_name="table", order=231)
