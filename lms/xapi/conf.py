"""Settings of the LRS, read once per use so tests can override them."""

from django.conf import settings


def home_page() -> str:
    """The homePage of the platform's agent accounts (members' pseudonymous actors, clients' authorities)."""
    return getattr(settings, "LMS_XAPI_HOME_PAGE", "") or "https://lms.invalid"


def actor_email_allowed() -> bool:
    return bool(getattr(settings, "LMS_XAPI_ACTOR_EMAIL", False))


def max_body_bytes() -> int:
    return int(getattr(settings, "LMS_XAPI_MAX_BODY_MB", 20)) * 1024 * 1024


def statements_page_size() -> int:
    return int(getattr(settings, "LMS_XAPI_PAGE_SIZE", 100))
