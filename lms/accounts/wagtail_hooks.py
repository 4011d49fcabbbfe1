from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from lms.org.scope import is_hr


class HRMenuItem(MenuItem):
    def is_shown(self, request):
        return is_hr(request.user)


@hooks.register("register_admin_menu_item")
def activation_menu():
    return HRMenuItem(_("Account activation"), reverse("accounts:hr-activation"), icon_name="key", order=217)


@hooks.register("register_admin_menu_item")
def security_menu():
    return HRMenuItem(_("Logins and lockouts"), reverse("accounts:hr-security"), icon_name="lock", order=218)


class MFAMenuItem(MenuItem):
    def is_shown(self, request):
        from .mfa import eligible

        return eligible(request.user)


@hooks.register("register_admin_menu_item")
def mfa_menu():
    return MFAMenuItem(_("Two-step verification"), reverse("accounts:mfa"), icon_name="password", order=219)
