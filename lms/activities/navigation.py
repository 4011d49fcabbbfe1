from django.utils.translation import gettext_lazy as _

from lms.common.navigation import NavEntry, register


def register_entries() -> None:
    register(NavEntry("calendar", _("Calendar"), "activities:calendar", order=35,
                      shown=lambda viewer: viewer.member is not None))
    register(NavEntry("org-life", _("Organizational life"), "activities:plan", order=36,
                      shown=lambda viewer: viewer.manages_units or viewer.is_hr))
