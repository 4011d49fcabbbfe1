"""A quiz attempt, finished through lms.quizzes services: attempted, answered per question and passed/failed with
the score, in one registration."""

import datetime

import pytest

from lms.catalog import completion
from lms.quizzes import services
from tests.factories import MemberFactory, make_course, make_lesson
from tests.quizzes.factories import correct_response, question, quiz

from .emitting import account, activity_iri, stored, verbs

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _take(member, qz, *, wrong=()):
    attempt, _created = services.start_attempt(member, qz, now=T0)
    for answer in attempt.answers.select_related("question"):
        data = correct_response(answer.question)
        if answer.question_id in wrong:
            data = {"value": not answer.question.correct_true}
        services.save_answer(attempt, answer.question_id, data, now=T0 + datetime.timedelta(minutes=3))
    return services.submit_attempt(attempt, now=T0 + datetime.timedelta(minutes=5))


def test_passed_attempt(django_capture_on_commit_callbacks):
    member = MemberFactory()
    q1, q2 = question("true_false", "党的根本宗旨是全心全意为人民服务", correct_true=True), question("single", "单选")
    lesson = make_lesson(make_course("党章测验课"), "测验", rule=completion.QUIZ)
    qz = quiz([q1, q2], title="党章测验", lesson=lesson, pass_percent=60)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = _take(member, qz)
    assert attempt.passed
    quiz_iri = activity_iri("quiz", qz.pk)
    quiz_statements = [s for s in stored() if s["object"]["id"] == quiz_iri]
    assert [s["verb"]["id"].rsplit("/", 1)[-1] for s in quiz_statements] == ["attempted", "passed"]
    attempted, passed = quiz_statements
    assert passed["actor"]["account"] == account(member)
    assert passed["result"]["score"] == {"scaled": 1.0, "raw": 2.0, "min": 0.0, "max": 2.0}
    assert passed["result"]["success"] is True and passed["result"]["completion"] is True
    assert passed["result"]["duration"] == "PT300S"
    assert passed["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    assert passed["context"]["contextActivities"]["parent"][0]["id"] == activity_iri("lesson", lesson.translation_key)
    registration = passed["context"]["registration"]
    assert attempted["context"]["registration"] == registration
    assert attempted["timestamp"].startswith("2026-03-02T09:00:00")

    answered = stored("answered")
    assert {s["object"]["id"] for s in answered} == {activity_iri("question", q1.pk), activity_iri("question", q2.pk)}
    assert all(s["result"]["success"] is True and s["context"]["registration"] == registration for s in answered)
    assert all(s["context"]["contextActivities"]["parent"][0]["id"] == quiz_iri for s in answered)
    # The lesson the quiz completes is stated too.
    assert "completed" in verbs()


def test_failed_attempt_with_score(django_capture_on_commit_callbacks):
    member = MemberFactory()
    q1 = question("true_false", "判断一", correct_true=True)
    q2 = question("true_false", "判断二", correct_true=False)
    qz = quiz([q1, q2], title="廉洁测验", pass_percent=80)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = _take(member, qz, wrong=(q2.pk,))
    assert attempt.passed is False
    failed = stored("failed")
    assert len(failed) == 1
    assert failed[0]["result"]["success"] is False
    assert failed[0]["result"]["score"] == {"scaled": 0.5, "raw": 1.0, "min": 0.0, "max": 2.0}
    by_question = {s["object"]["id"]: s["result"]["success"] for s in stored("answered")}
    assert by_question == {activity_iri("question", q1.pk): True, activity_iri("question", q2.pk): False}
    assert "passed" not in verbs()
