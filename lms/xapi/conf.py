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


def default_version() -> str:
    """The version an answer names when the request names none (an error, since the header is required): the
    version this LRS presents itself as. 1.0.3 by default; an LRS that upper levels reach as 2.0 sets 2.0.0."""
    return "2.0.0" if str(getattr(settings, "LMS_XAPI_DEFAULT_VERSION", "1.0.3")).startswith("2.") else "1.0.3"
