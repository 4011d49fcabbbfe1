"""Training's header entries (lms.common.navigation)."""

from django.utils.translation import gettext_lazy as _

from lms.common.navigation import NavEntry, register


def register_entries() -> None:
    register(
        NavEntry("my-assignments", _("My assignments"), "training:training-my-assignments", order=20),
        NavEntry("branch-training", _("Branch training"), "training:training-branch", order=30,
                 shown=lambda viewer: viewer.manages_units),
    )
