"""Receiving xAPI statements from the H5P player and turning them into results.

The player is configured with the member's xAPI identity (a mailbox derived
from the member id, never a real address) and an activity IRI per package;
a statement is accepted only when its actor is the caller and its object is
that package (or one of its parts, `?subContentId=`).

Statements are idempotent by their "id", as in any LRS: the identical
statement posted again is recognized and neither stored nor credited twice,
and a different statement under an id already stored is a conflict.
"""

import json
import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.catalog import completion

from .. import conf, signals
from ..models import H5PPackage, H5PResult, H5PStatement

STORED_VERBS = {"answered", "completed", "passed", "failed", "attempted"}
RESULT_VERBS = {"answered", "completed", "passed", "failed"}
MAX_STATEMENT_BYTES = 64 * 1024
UUID_FORM = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# Left out when telling whether two statements under one id are the same (the xAPI comparison rules):
# the id itself (compared as a UUID) and what an LRS or a resending client may set or change.
UNCOMPARED = frozenset({"id", "stored", "timestamp", "authority", "version"})


class XAPIError(ValueError):
    """The statement is malformed or about other content."""


class XAPIForbidden(XAPIError):
    """The statement speaks for another user."""


class XAPIConflict(ValueError):
    """A different statement is already stored under this statement id."""


class Recorded(NamedTuple):
    statement: H5PStatement | None  # the stored row (the earlier one for a replay); None for verbs not kept
    completed: bool  # this statement completed the lesson
    replay: bool = False  # the identical statement was already stored: nothing was stored or credited again


def activity_iri(package: H5PPackage) -> str:
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "http://localhost").rstrip("/")
    return f"{base}/h5p/{package.pk}"


def actor_mail(member) -> str:
    return f"member-{member.pk}@{conf.get('H5P_XAPI_MAIL_DOMAIN')}"


def _number(value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise XAPIError(_("Scores must be numbers."))
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise XAPIError(_("Scores must be numbers.")) from exc
    if not number.is_finite() or abs(number) >= Decimal("1e7"):
        raise XAPIError(_("Scores must be numbers."))
    return number


def _bool(value):
    if value is None or isinstance(value, bool):
        return value
    raise XAPIError(_("result.success and result.completion must be true or false."))


def _statement_id(statement: dict) -> uuid.UUID | None:
    raw = statement.get("id")
    if raw is None:
        return None
    if not isinstance(raw, str) or not UUID_FORM.match(raw):
        raise XAPIError(_("The statement id must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)."))
    return uuid.UUID(raw)


def canonical(statement: dict) -> str:
    """The statement as text that is equal for equal statements, whatever the key order."""
    body = {k: v for k, v in statement.items() if k not in UNCOMPARED}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def parse_statement(package: H5PPackage, member, statement) -> dict:
    """Check the statement belongs to this member and package; return its parts."""
    if not isinstance(statement, dict):
        raise XAPIError(_("A statement must be a JSON object."))
    if len(json.dumps(statement, ensure_ascii=False).encode()) > MAX_STATEMENT_BYTES:
        raise XAPIError(_("The statement is too large."))
    statement_id = _statement_id(statement)
    actor = statement.get("actor")
    mbox = actor.get("mbox") if isinstance(actor, dict) else None
    if not isinstance(mbox, str) or mbox.strip().lower() != f"mailto:{actor_mail(member)}".lower():
        raise XAPIForbidden(_("This statement is about another user."))
    verb = statement.get("verb")
    verb_id = verb.get("id") if isinstance(verb, dict) else None
    if not isinstance(verb_id, str) or not verb_id:
        raise XAPIError(_("The statement has no verb."))
    obj = statement.get("object")
    object_id = obj.get("id") if isinstance(obj, dict) else None
    iri = activity_iri(package)
    if not isinstance(object_id, str) or not (object_id == iri or object_id.startswith(iri + "?subContentId=")):
        raise XAPIError(_("This statement is about other content."))
    result = statement.get("result") or {}
    if not isinstance(result, dict):
        raise XAPIError(_("result must be an object."))
    score = result.get("score") or {}
    if not isinstance(score, dict):
        raise XAPIError(_("result.score must be an object."))
    raw, maximum, scaled = _number(score.get("raw")), _number(score.get("max")), _number(score.get("scaled"))
    if scaled is None and raw is not None and maximum:
        scaled = raw / maximum
    if scaled is not None and not (Decimal("-1") <= scaled <= Decimal("1")):
        raise XAPIError(_("result.score.scaled must be between -1 and 1."))
    duration = result.get("duration") or ""
    return {
        "statement_id": statement_id,
        "verb": verb_id.rstrip("/").rsplit("/", 1)[-1][:40],
        "object_id": object_id[:500],
        "is_main": object_id == iri,
        "score_raw": raw, "score_max": maximum, "score_scaled": float(scaled) if scaled is not None else None,
        "success": _bool(result.get("success")), "completion": _bool(result.get("completion")),
        "duration": duration[:40] if isinstance(duration, str) else "",
    }


def _passed(package: H5PPackage, parts: dict) -> bool:
    if parts["verb"] == "failed":
        return False
    if package.pass_percent:
        scaled = parts["score_scaled"]
        return scaled is not None and scaled * 100 >= package.pass_percent - 1e-9
    if parts["success"] is not None:
        return parts["success"]
    return parts["completion"] is True or parts["verb"] in ("completed", "passed")


def record_statement(package: H5PPackage, member, statement, *, now=None) -> Recorded:
    """Store the statement and credit its result, once per statement id.

    Raises XAPIError (malformed or about other content), XAPIForbidden (about another user) or XAPIConflict
    (a different statement is stored under the same id).
    """
    now = now or timezone.now()
    parts = parse_statement(package, member, statement)
    if parts["verb"] not in STORED_VERBS:
        return Recorded(None, False)
    # A statement without an id gets one, as an LRS gives it.
    statement_id = parts.pop("statement_id") or uuid.uuid4()
    existing = H5PStatement.objects.filter(statement_id=statement_id).first()
    if existing is not None:
        return _replay(existing, package, member, statement)
    try:
        with transaction.atomic():
            row = H5PStatement.objects.create(package=package, member=member, statement=statement,
                                              statement_id=statement_id, **parts)
            completed_now = _credit(package, member, parts, now)
    except IntegrityError:
        # The same id was stored meanwhile (two posts at once): everything of this one was rolled back.
        existing = H5PStatement.objects.filter(statement_id=statement_id).first()
        if existing is None:
            raise
        return _replay(existing, package, member, statement)
    return Recorded(row, completed_now)


def _replay(existing: H5PStatement, package: H5PPackage, member, statement: dict) -> Recorded:
    same = (existing.package_id == package.pk and existing.member_id == member.pk
            and canonical(existing.statement) == canonical(statement))
    if not same:
        raise XAPIConflict(_("A different statement is already stored under the id %(id)s.")
                           % {"id": existing.statement_id})
    return Recorded(existing, False, replay=True)


def _credit(package: H5PPackage, member, parts: dict, now) -> bool:
    """Update the member's result for a statement about the whole content; True when it completed the lesson."""
    if not (parts["is_main"] and parts["verb"] in RESULT_VERBS):
        return False
    H5PResult.objects.get_or_create(package=package, member=member)
    result = H5PResult.objects.select_for_update().get(package=package, member=member)
    result.attempts += 1
    scaled = parts["score_scaled"]
    if scaled is not None:
        result.last_score = scaled
        result.best_score = scaled if result.best_score is None else max(result.best_score, scaled)
    passed = _passed(package, parts)
    first_pass = passed and not result.passed
    if first_pass:
        result.passed, result.completed_at = True, now
    result.save()
    completed_now = _complete_lesson(package, member, now) if passed else False  # idempotent
    if first_pass:
        ids = {"package_id": package.pk, "member_id": member.pk, "passed": True}
        transaction.on_commit(lambda: signals.h5p_result_recorded.send(sender=H5PResult, **ids))
    return completed_now


def _complete_lesson(package: H5PPackage, member, now) -> bool:
    from lms.catalog.models import LessonPage
    from lms.progress.services import complete_lesson

    lesson = package.lesson
    if lesson is None or not lesson.live or lesson.completion_rule != completion.H5P:
        return False
    # H5P scores are reported by the member's browser. Where the course requires an exam, the H5P lesson
    # still counts as done for the course, but its hours come only through the exam-checked completion.
    course = lesson.course
    exam_required = course is not None and LessonPage.objects.child_of(course).live().filter(
        required=True, completion_rule=completion.QUIZ).exists()
    return complete_lesson(member, lesson, now=now, credit_hours=not exam_required)
