"""The site's own header entry (lms.common.navigation)."""

from django.utils.translation import gettext_lazy as _

from lms.common.navigation import NavEntry, register


def register_entries() -> None:
    register(NavEntry("admin", _("Administration"), "wagtailadmin_home", order=10,
                      shown=lambda viewer: viewer.admin_access))
