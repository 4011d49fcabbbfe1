"""Reports' header entries (lms.common.navigation)."""

from django.utils.translation import gettext_lazy as _

from lms.common.navigation import NavEntry, register


def register_entries() -> None:
    register(
        NavEntry("my-archive", _("My archive"), "reports:archive-mine", order=40,
                 shown=lambda viewer: viewer.member is not None),
        NavEntry("reports", _("Reports"), "reports:reports-index", order=50,
                 shown=lambda viewer: viewer.manages_units or "trainer" in viewer.roles),
    )
