"""Helpers of the emission tests: what the platform stated in its own LRS."""

from __future__ import annotations

from lms.xapi.models import Statement

HOME = "https://lms.invalid"  # LMS_XAPI_HOME_PAGE of the test settings


def stored(verb: str | None = None) -> list[dict]:
    """The stored statements in the order they came, optionally only those whose verb id ends with ``verb``."""
    out = [row.data for row in Statement.objects.order_by("seq")]
    if verb:
        out = [s for s in out if s["verb"]["id"].rsplit("/", 1)[-1] == verb]
    return out


def verbs() -> list[str]:
    return [s["verb"]["id"].rsplit("/", 1)[-1] for s in stored()]


def account(member) -> dict:
    return {"homePage": HOME, "name": member.employee_no}


def activity_iri(kind: str, ident) -> str:
    return f"{HOME}/xapi/activities/{kind}/{ident}"
