"""Search's header entry (lms.common.navigation)."""

from django.utils.translation import gettext_lazy as _

from lms.common.navigation import NavEntry, register


def register_entries() -> None:
    register(NavEntry("search", _("Search"), "search:search", order=60))
