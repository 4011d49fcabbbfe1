from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.forms import movenodeform_factory
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList, extract_panel_definitions_from_model_class
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from lms.common.admin_columns import boolean_column

from . import views_admin
from .admin_scope import HRMenuItem, MemberScopedViewSet
from .forms import MemberAdminForm, PostAdminForm
from .models import Member, OrgUnit, Post, Role


class MemberViewSet(MemberScopedViewSet):
    model = Member
    icon = "user"
    menu_label = _("Members")
    list_display = ["employee_no", "name", "org_unit", "post", "email", boolean_column(Member, "is_active")]
    list_filter = ["is_active", "post"]
    search_fields = ["employee_no", "name", "email"]
    add_to_admin_menu = True
    menu_order = 210

    def get_edit_handler(self):
        # The model's fields, as Wagtail would list them, with a form that offers only active posts.
        panels = extract_panel_definitions_from_model_class(self.model, exclude=self.get_exclude_form_fields())
        return ObjectList(panels, base_form_class=MemberAdminForm).bind_to_model(self.model)


class RoleViewSet(SnippetViewSet):
    model = Role
    icon = "group"
    list_display = ["code", "name", "name_en"]


class PostViewSet(SnippetViewSet):
    """Posts (岗位), managed by HR (the 组织人事 group holds the post permissions: lms.site.bootstrap)."""

    model = Post
    icon = "tag"
    list_display = ["code", "name", "name_en", boolean_column(Post, "is_active"),
                    Column("member_count", label=_("Active members"), sort_key="member_count")]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "name_en"]
    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("name_en"), FieldPanel("is_active")]

    def get_edit_handler(self):
        return ObjectList(self.panels, base_form_class=PostAdminForm).bind_to_model(self.model)

    def get_queryset(self, request):
        return Post.objects.annotate(member_count=Count("members", filter=Q(members__is_active=True)))


class OrgUnitViewSet(ModelViewSet):
    model = OrgUnit
    icon = "folder-open-inverse"
    menu_label = _("Org units")
    list_display = [Column("full_name", label=pgettext_lazy("org unit", "Full name")), "kind", "code"]
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
register_snippet(PostViewSet)


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

