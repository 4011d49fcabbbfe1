"""Study hours (学时) credited or reversed in the ledger (lms.records).

Credited: the published verb ``earned`` (http://id.tincanapi.com/verb/earned) about what earned the hours (the
course, lesson, quiz or organizational-life activity its reference names; otherwise the training record itself),
with the hours as a result extension. Reversed: no published verb says it, so the platform's own
``<home>/xapi/verbs/reversed``, with negative hours, the reason and a StatementRef to the credit it cancels.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

from lms.activities.models import Activity
from lms.catalog.models import CoursePage, LessonPage
from lms.quizzes.models import Quiz
from lms.records.models import StudyHourEntry

from . import activity, context, page_activity, platform_extension, platform_verb, statement, statement_id, verb
from . import member as load_member

EARNED = verb("http://id.tincanapi.com/verb/earned", "获得学时", "earned")
REVERSED = platform_verb("reversed", "冲销学时", "reversed")


def hours_extension() -> str:
    return platform_extension("study-hours")


def _object(entry: StudyHourEntry) -> dict:
    kind, _sep, ident = entry.reference.partition(":")
    ident = ident.split("#", 1)[0]  # "activity:5#2": a re-credit after a reversal, about the same activity
    if ident.isdigit():
        pk = int(ident)
        if kind == "course" and (page := CoursePage.objects.filter(pk=pk).select_related("locale").first()):
            return page_activity("course", page)
        if kind == "lesson" and (page := LessonPage.objects.filter(pk=pk).select_related("locale").first()):
            return page_activity("lesson", page)
        if kind == "quiz" and (quiz := Quiz.objects.filter(pk=pk).first()):
            return activity("quiz", quiz.pk, quiz.title)
        if kind == "activity" and (meeting := Activity.objects.filter(pk=pk).first()):
            return activity("meeting", meeting.pk, meeting.title)
    ident = f"{quote(entry.source, safe='')}/{quote(entry.reference or str(entry.pk), safe='')}"
    return activity("record", ident, entry.title)


def _hours(value) -> float:
    return float(Decimal(value).quantize(Decimal("0.01")))


def entry(entry_id: int) -> list[dict]:
    row = StudyHourEntry.objects.select_related("reverses").filter(pk=entry_id).first()
    if row is None:
        return []
    member = load_member(row.member_id)
    if member is None:
        return []
    if row.reverses_id is None:
        result = {"completion": True, "extensions": {hours_extension(): _hours(row.hours)}}
        return [statement(credit_key(row, member), member, EARNED, _object(row), when=row.created_at,
                          result=result, context_=context())]
    original = row.reverses
    credit = statement_id(credit_key(original, member))
    result = {"response": row.reason or "", "extensions": {hours_extension(): _hours(row.hours)}}
    return [statement(f"hours-reversed:{credit}", member, REVERSED, _object(original), when=row.created_at,
                      result=result, context_=context(statement_ref=credit))]


def credit_key(row: StudyHourEntry, member) -> str:
    """A credit's natural key (the ledger credits a member once per source and reference): the same statement id
    on any site that holds the same ledger, e.g. after a dataset import."""
    return f"hours-credited:{member.employee_no}:{row.source}:{row.reference or row.pk}"
