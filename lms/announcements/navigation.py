from django.utils.translation import gettext_lazy as _

from lms.common.navigation import NavEntry, register


def register_entries() -> None:
    register(NavEntry("announcements", _("Announcements"), "announcements:list", order=25,
                      shown=lambda viewer: viewer.member is not None))
