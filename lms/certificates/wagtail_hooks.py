"""Admin: HR edits certificate templates (organization, seal, signatory), programmes and which courses issue a
certificate; HR and secretaries browse the certificates of their members; HR revokes (with a reason) and
re-issues. Certificates are never added or edited by hand."""

from __future__ import annotations

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from lms.common.admin_columns import boolean_column
from lms.org.admin_scope import MemberScopedViewSet

from . import access, services
from .models import Certificate, CertificateProgramme, CertificateTemplate, CourseCertificate


class TemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = _("Certificate templates")
    list_display = ["name", "organization", "title", "signatory", boolean_column(CertificateTemplate, "active")]
    copy_view_enabled = False
    panels = [
        FieldPanel("name"),
        MultiFieldPanel([FieldPanel("title"), FieldPanel("organization"), FieldPanel("signatory"),
                         FieldPanel("seal")], heading=_("Printed on the certificate")),
        FieldPanel("active"),
    ]


class ProgrammeViewSet(SnippetViewSet):
    model = CertificateProgramme
    icon = "list-ul"
    menu_label = _("Certificate programmes")
    list_display = ["title", "template", "hours", boolean_column(CertificateProgramme, "active")]
    copy_view_enabled = False
    panels = [FieldPanel("title"), FieldPanel("courses", widget=forms.CheckboxSelectMultiple),
              FieldPanel("template"), FieldPanel("hours"), FieldPanel("active")]


class CourseCertificateViewSet(SnippetViewSet):
    model = CourseCertificate
    icon = "pick"
    menu_label = _("Courses with certificates")
    list_display = ["course", "template", boolean_column(CourseCertificate, "enabled")]
    copy_view_enabled = False
    panels = [FieldPanel("course"), FieldPanel("template"), FieldPanel("enabled")]


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Certificates are issued on completion and changed only by revoking or re-issuing: nobody, not even a
    superuser, adds, edits or deletes one in the admin."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Certificate, ReadOnlyPolicy(Certificate), exact_class=True)


class StatusColumn(Column):
    def get_value(self, instance):
        return _("Revoked") if instance.is_revoked else _("Valid")


class CertificateIndexView(IndexView):
    revoke_url_name = None
    reissue_url_name = None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(MenuItem(_("Download PDF"), url=instance.get_download_url(), icon_name="download",
                                priority=5))
        if access.can_revoke(self.request.user, instance):
            if instance.is_revoked:
                if not instance.replaced_by.exists():
                    buttons.append(MenuItem(_("Re-issue"), url=reverse(self.reissue_url_name,
                                                                       args=[quote(instance.pk)]),
                                            icon_name="rotate", priority=20))
            else:
                buttons.append(MenuItem(_("Revoke"), url=reverse(self.revoke_url_name, args=[quote(instance.pk)]),
                                        icon_name="cross", priority=20))
        return buttons


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revocation"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Recorded with your name and the time; the verification page then says "
                                         "the certificate is revoked (without the reason)."))


class CertificateActionView(WagtailAdminTemplateMixin, TemplateView):
    """Revoke (with a reason) or re-issue one certificate: HR of the member's organization only."""

    template_name = "certificates/admin/action.html"
    header_icon = "doc-full"
    action = "revoke"
    index_url_name = None

    def get_page_title(self):
        return _("Revoke certificate") if self.action == "revoke" else _("Re-issue certificate")

    def dispatch(self, request, *args, pk=None, **kwargs):
        self.object = get_object_or_404(Certificate, pk=str(pk))
        if not access.can_revoke(request.user, self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", RevokeForm())
        context.update(certificate=self.object, action=self.action, cancel_url=reverse(self.index_url_name))
        return context

    def post(self, request, *args, **kwargs):
        try:
            if self.action == "revoke":
                form = RevokeForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(form=form), status=400)
                services.revoke(self.object, by=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("Certificate revoked: %(certificate)s") % {"certificate": self.object})
            else:
                new = services.reissue(self.object, by=request.user)
                messages.success(request, _("Certificate re-issued with the code %(code)s.")
                                 % {"code": new.display_code})
        except services.CertificateError as exc:
            messages.error(request, str(exc))
        return redirect(self.index_url_name)


class CertificateViewSet(MemberScopedViewSet):
    model = Certificate
    member_field = "member"
    icon = "doc-full-inverse"
    menu_label = _("Issued certificates")
    index_view_class = CertificateIndexView
    list_display = ["member_name", "title", "hours", "issued_on", "organization", StatusColumn("status",
                                                                                              label=_("Status"))]
    list_filter = ["kind", "issued_on"]
    search_fields = ["member_name", "member__employee_no", "title", "code"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_fields = ["member_name", "kind", "title", "hours", "issued_on", "organization", "certificate_title",
                           "signatory", "code", "created_at", "revoked_at", "revoked_by", "revoke_reason", "replaces"]
    copy_view_enabled = False
    list_per_page = 50

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(revoke_url_name=self.get_url_name("revoke"),
                                             reissue_url_name=self.get_url_name("reissue"), **kwargs)

    def _action_view(self, action):
        return CertificateActionView.as_view(
            action=action, index_url_name=self.get_url_name("list"),
            breadcrumbs_items=self.breadcrumbs_items + [{"url": reverse_lazy(self.get_url_name("list")),
                                                         "label": self.menu_label}],
        )

    @property
    def revoke_view(self):
        return self._action_view("revoke")

    @property
    def reissue_view(self):
        return self._action_view("reissue")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("revoke/<int:pk>/", self.revoke_view, name="revoke"),
            path("reissue/<int:pk>/", self.reissue_view, name="reissue"),
        ]


class CertificatesGroup(SnippetViewSetGroup):
    items = (CertificateViewSet, CourseCertificateViewSet, ProgrammeViewSet, TemplateViewSet)
    menu_icon = "doc-full"
    menu_label = _("Certificates")
    menu_order = 226


register_snippet(CertificatesGroup)
