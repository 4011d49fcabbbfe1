"""Admin: the committee (HR) edits activity kinds and each year's figures (frequency, minimum, hours)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from lms.common.admin_columns import boolean_column

from .models import ActivityKind, KindYearRule


class ActivityKindViewSet(SnippetViewSet):
    model = ActivityKind
    icon = "list-ul"
    menu_label = _("Activity kinds")
    list_display = ["name", "code", "period", "min_count", "hours", boolean_column(ActivityKind, "counts_toward_hours"),
                    "plan_unit", boolean_column(ActivityKind, "active")]
    list_filter = ["period", "plan_unit", "active"]
    copy_view_enabled = False


class KindYearRuleViewSet(SnippetViewSet):
    model = KindYearRule
    icon = "date"
    menu_label = _("Rules for a year")
    list_display = ["year", "kind", "period", "min_count", "hours", boolean_column(KindYearRule, "counts_toward_hours")]
    list_filter = ["year", "kind"]


class OrgLifeGroup(SnippetViewSetGroup):
    items = (ActivityKindViewSet, KindYearRuleViewSet)
    menu_icon = "group"
    menu_label = _("Organizational life")
    menu_order = 225


register_snippet(OrgLifeGroup)
