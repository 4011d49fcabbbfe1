from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from treebeard.forms import movenodeform_factory
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import views_admin
from .admin_scope import HRMenuItem, MemberScopedViewSet
from .models import Member, OrgUnit, Role


class MemberViewSet(MemberScopedViewSet):
    model = Member
    icon = "user"
    menu_label = _("Members")
    list_display = ["employee_no", "name", "org_unit", "email", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["employee_no", "name", "email"]
    add_to_admin_menu = True
    menu_order = 210


class RoleViewSet(SnippetViewSet):
    model = Role
    icon = "group"
    list_display = ["code", "name", "name_en"]


class OrgUnitViewSet(ModelViewSet):
    model = OrgUnit
    icon = "folder-open-inverse"
    menu_label = _("Org units")
    list_display = ["full_name", "kind", "code"]
    add_to_admin_menu = True
    menu_order = 205
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        # treebeard's form places the node in the tree (parent + position).
        return movenodeform_factory(OrgUnit, fields=["name", "kind", "code"])

    def get_queryset(self, request):
        return OrgUnit.objects.order_by("path")


register_snippet(MemberViewSet)
register_snippet(RoleViewSet)


@hooks.register("register_admin_viewset")
def register_org_units():
    return OrgUnitViewSet("org_units")


@hooks.register("register_admin_urls")
def import_urls():
    return [
        path("import/members/", views_admin.import_members_view, name="lms_import_members"),
    ]


@hooks.register("register_admin_menu_item")
def import_members_menu():
    return HRMenuItem(_("Import members"), reverse("lms_import_members"), icon_name="upload", order=215)

