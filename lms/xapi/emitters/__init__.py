"""The platform's own learning events as xAPI statements: one module per family builds the statement dicts from
ids (reading the rows again, so what is stated is what the server recorded); ``lms.xapi.tasks.emit`` stores them.

Shared here: deterministic statement ids (a uuid5 over an event key, so emitting an event twice states it once),
the activity IRIs of the platform's objects and the parts every statement carries.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.conf import settings

from lms.catalog.models import CatalogIndexPage
from lms.org.models import Member

from .. import actors, conf

# Fixed for ever: changing it would give every past event a new statement id (and a second statement).
NAMESPACE = uuid.UUID("6f1c2a7e-3b8d-5c4e-9a10-2d7f8e6b4c31")
PLATFORM = "党员教育培训平台 (Member Education LMS)"

ADL = "http://adlnet.gov/expapi/verbs/"
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "catalog": "http://id.tincanapi.com/activitytype/category",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "meeting": "http://adlnet.gov/expapi/activities/meeting",
    "video": "https://w3id.org/xapi/video/activity-type/video",
    "record": "http://id.tincanapi.com/activitytype/training-record",
}


def statement_id(key: str) -> str:
    """The statement id of an event, e.g. ``lesson-completed:<member>:<lesson>``."""
    return str(uuid.uuid5(NAMESPACE, key))


def registration(key: str) -> str:
    """A registration (one attempt, one viewing session) as a stable UUID."""
    return str(uuid.uuid5(NAMESPACE, "registration:" + key))


def iri(kind: str, ident) -> str:
    return f"{conf.home_page().rstrip('/')}/xapi/activities/{kind}/{ident}"


def verb(verb_id: str, zh: str, en: str) -> dict:
    return {"id": verb_id, "display": {"zh-CN": zh, "en-US": en}}


def platform_verb(name: str, zh: str, en: str) -> dict:
    """Verbs the platform defines (no published verb says it) live under its home page."""
    return verb(f"{conf.home_page().rstrip('/')}/xapi/verbs/{name}", zh, en)


def platform_extension(name: str) -> str:
    return f"{conf.home_page().rstrip('/')}/xapi/extensions/{name}"


def language_tag(code: str | None) -> str:
    """Django's language code as an RFC 5646 tag: zh-hans → zh-Hans, en-us → en-US."""
    parts = (code or settings.LANGUAGE_CODE or "zh-hans").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.title() if len(part) == 4 else part.upper() if len(part) == 2 else part.lower())
    return "-".join(out)


def activity(kind: str, ident, name: str, *, language: str | None = None, description: str = "") -> dict:
    definition = {"type": ACTIVITY_TYPES[kind], "name": {language_tag(language): (name or str(ident))[:500]}}
    if description:
        definition["description"] = {language_tag(language): description[:1000]}
    return {"objectType": "Activity", "id": iri(kind, ident), "definition": definition}


def page_activity(kind: str, page) -> dict:
    """A catalog page as an activity. Its id is the page's translation key: stable across moves, renames and
    the page's translations (the same course in another language is the same learning activity)."""
    locale = getattr(page, "locale", None)
    return activity(kind, page.translation_key, page.title, language=getattr(locale, "language_code", None))


def course_context_activities(course) -> dict:
    """parent: the course; grouping: the catalog it is listed in."""
    out = {"parent": [page_activity("course", course)]}
    catalog = course.get_parent()
    catalog = catalog.specific if catalog is not None else None
    if isinstance(catalog, CatalogIndexPage):
        out["grouping"] = [page_activity("catalog", catalog)]
    return out


def timestamp(moment: datetime.datetime | None) -> str:
    moment = moment or datetime.datetime.now(datetime.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def duration(seconds: float | None) -> str:
    """ISO 8601 duration, to the hundredth of a second."""
    seconds = max(0.0, float(seconds or 0))
    return f"PT{Decimal(str(round(seconds, 2))).normalize():f}S"


def score(raw, maximum, minimum=0) -> dict | None:
    if raw is None or not maximum:
        return None
    raw, maximum, minimum = Decimal(raw), Decimal(maximum), Decimal(minimum)
    raw = min(max(raw, minimum), maximum)
    scaled = (raw - minimum) / (maximum - minimum) if maximum > minimum else Decimal(0)
    return {"scaled": float(round(scaled, 4)), "raw": float(raw), "min": float(minimum), "max": float(maximum)}


def context(*, activities: dict | None = None, registration_id: str | None = None, extensions: dict | None = None,
            statement_ref: str | None = None, language: str | None = None) -> dict:
    out: dict = {"platform": PLATFORM, "language": language_tag(language)}
    if registration_id:
        out["registration"] = registration_id
    if activities:
        out["contextActivities"] = activities
    if extensions:
        out["extensions"] = extensions
    if statement_ref:
        out["statement"] = {"objectType": "StatementRef", "id": statement_ref}
    return out


def statement(key: str, member: Member, verb_: dict, obj: dict, *, when, result: dict | None = None,
              context_: dict | None = None) -> dict:
    out = {"id": statement_id(key), "actor": actors.actor_for(member), "verb": verb_, "object": obj,
           "timestamp": timestamp(when)}
    if result:
        out["result"] = result
    context_ = context() if context_ is None else context_
    if context_:  # {}: none (a voiding statement's object is no activity, so no platform)
        out["context"] = context_
    return out


def member(member_id: int) -> Member | None:
    return Member.objects.filter(pk=member_id).first()
