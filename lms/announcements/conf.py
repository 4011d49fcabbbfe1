"""Settings of announcements, with their defaults, read in one place."""

import datetime

from django.conf import settings


def remind_before() -> datetime.timedelta:
    """How long before the confirmation deadline unconfirmed recipients are reminded (once)."""
    return datetime.timedelta(hours=float(getattr(settings, "ANNOUNCEMENTS_REMIND_BEFORE_HOURS", 24)))


def max_attachments() -> int:
    return int(getattr(settings, "ANNOUNCEMENTS_MAX_ATTACHMENTS", 10))
