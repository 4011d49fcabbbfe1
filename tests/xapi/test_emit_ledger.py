"""Study hours credited and reversed in the ledger: ``earned`` with the hours, and the platform's ``reversed``
pointing at the credit it cancels."""

import pytest

from lms.progress import services as progress
from lms.records import ledger
from lms.records.models import StudyHourEntry
from lms.xapi.emitters import statement_id
from tests.factories import MemberFactory, make_course, make_lesson

from .emitting import HOME, account, activity_iri, stored

pytestmark = pytest.mark.django_db
HOURS = f"{HOME}/xapi/extensions/study-hours"


def test_credit_and_reversal(django_capture_on_commit_callbacks):
    member = MemberFactory()
    course = make_course("党章学习", credit_hours="2")
    lesson = make_lesson(course, credit_minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        progress.complete_lesson(member, lesson)
    earned = {s["object"]["id"]: s for s in stored("earned")}
    lesson_iri = activity_iri("lesson", lesson.translation_key)
    course_iri = activity_iri("course", course.translation_key)
    assert set(earned) == {lesson_iri, course_iri}
    lesson_credit = earned[lesson_iri]
    assert lesson_credit["verb"]["id"] == "http://id.tincanapi.com/verb/earned"
    assert lesson_credit["actor"]["account"] == account(member)
    assert lesson_credit["result"]["extensions"][HOURS] == 0.5
    assert earned[course_iri]["result"]["extensions"][HOURS] == 2.0

    credit = StudyHourEntry.objects.get(member=member, source="lesson")
    with django_capture_on_commit_callbacks(execute=True):
        ledger.reverse(credit, reason="学时认定有误")
    [reversed_] = stored("reversed")
    assert reversed_["verb"]["id"] == f"{HOME}/xapi/verbs/reversed"
    assert reversed_["object"]["id"] == activity_iri("lesson", lesson.translation_key)
    assert reversed_["result"]["extensions"][HOURS] == -0.5
    assert reversed_["result"]["response"] == "学时认定有误"
    credit_id = statement_id(f"hours-credited:{member.employee_no}:lesson:lesson:{lesson.pk}")
    assert lesson_credit["id"] == credit_id
    assert reversed_["context"]["statement"] == {"objectType": "StatementRef", "id": credit_id}


def test_offline_record_and_bulk_credit(django_capture_on_commit_callbacks):
    members = [MemberFactory(), MemberFactory()]
    with django_capture_on_commit_callbacks(execute=True):
        ledger.credit(members[0], source="offline", reference="HR-2026-001", title="党校轮训", hours="8")
        ledger.credit_many([m.pk for m in members], source="offline", reference="meeting-0520",
                           title="全员大会", hours="1.5", date=__import__("datetime").date(2026, 5, 20))
    earned = stored("earned")
    objects = sorted((s["actor"]["account"]["name"], s["object"]["id"]) for s in earned)
    assert objects == sorted([
        (members[0].employee_no, activity_iri("record", "offline/HR-2026-001")),
        (members[0].employee_no, activity_iri("record", "offline/meeting-0520")),
        (members[1].employee_no, activity_iri("record", "offline/meeting-0520")),
    ])
    assert {s["object"]["definition"]["name"]["zh-Hans"] for s in earned} == {"党校轮训", "全员大会"}
