"""Admin: HR edits the point rules (the HR group holds the permissions, granted in bootstrap)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from lms.common.admin_columns import boolean_column

from .models import PointRule


class PointRuleViewSet(SnippetViewSet):
    model = PointRule
    icon = "pick"
    menu_label = _("Point rules")
    menu_order = 226
    add_to_admin_menu = True
    list_display = ["name", "action", "points", "daily_cap", "yearly_cap", "valid_days",
                    boolean_column(PointRule, "active")]
    list_filter = ["action", "active"]
    copy_view_enabled = False
    inspect_view_enabled = False


register_snippet(PointRuleViewSet)
