"""Admin: HR edits the year's training plan (rules inline) and can browse assignments."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from lms.common.admin_columns import boolean_column
from lms.org.admin_scope import MemberScopedViewSet

from .models import Assignment, TrainingPlan


class TrainingPlanViewSet(SnippetViewSet):
    model = TrainingPlan
    icon = "list-ul"
    menu_label = _("Training plans")
    list_display = ["year", "name", boolean_column(TrainingPlan, "is_active"), "version", "updated_at"]
    add_to_admin_menu = True
    menu_order = 220


class AssignmentViewSet(MemberScopedViewSet):
    model = Assignment
    member_field = "member"
    icon = "tasks"
    menu_label = _("Assignments")
    list_display = ["member", "course", "source", "rule_name", "due_on", "status", "assigned_at"]
    list_filter = ["status", "source", "year"]
    search_fields = ["member__name", "member__employee_no", "rule_name"]
    search_backend_name = None
    inspect_view_enabled = True
    add_to_admin_menu = True
    menu_order = 221
    list_per_page = 50


register_snippet(TrainingPlanViewSet)
register_snippet(AssignmentViewSet)
