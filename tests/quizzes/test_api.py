import datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from lms.quizzes.models import QuizAttempt
from lms.records.models import StudyHourEntry
from tests.factories import MemberFactory
from tests.quizzes.factories import correct_choice_ids, correct_response, question, quiz

pytestmark = pytest.mark.django_db


def _client(member):
    client = APIClient()
    client.force_authenticate(member.user)
    return client


@pytest.fixture
def exam():
    qs = [question("single", "单选"), question("multiple", "多选"), question("true_false", "判断", correct_true=True),
          question("fill_blank", "填空", accepted="共产主义"), question("short_answer", "简答", points="2")]
    return quiz(qs, title="结业考试", kind="exam", time_limit_minutes=30, max_attempts=2, pass_percent=60), qs


def test_take_a_quiz_through_the_api(exam):
    qz, qs = exam
    member = MemberFactory()
    api = _client(member)
    started = api.post(f"/api/v1/quizzes/{qz.pk}/attempts/")
    assert started.status_code == 201
    body = started.json()
    assert body["status"] == "in_progress" and body["seconds_left"] == 1800
    assert [q["text"] for q in body["questions"]] == ["单选", "多选", "判断", "填空", "简答"]
    assert "correct_options" not in body["questions"][0] and "explanation" not in body["questions"][0]
    # Resuming returns the same attempt.
    assert api.post(f"/api/v1/quizzes/{qz.pk}/attempts/").json()["id"] == body["id"]

    for q in qs[:3]:
        saved = api.put(f"/api/v1/quiz-attempts/{body['id']}/answers/{q.pk}/", correct_response(q), format="json")
        assert saved.status_code == 200, saved.content
    bad = api.put(f"/api/v1/quiz-attempts/{body['id']}/answers/{qs[0].pk}/", {"choices": [999999]}, format="json")
    assert bad.status_code == 400 and "error" in bad.json()
    # Reloading the attempt shows the saved answers (a dropped connection loses nothing).
    again = api.get(f"/api/v1/quiz-attempts/{body['id']}/").json()
    assert again["questions"][0]["response"] == {"choices": correct_choice_ids(qs[0])}

    submitted = api.post(f"/api/v1/quiz-attempts/{body['id']}/submit/",
                         {"answers": {str(qs[3].pk): {"blanks": ["共产主义"]},
                                      str(qs[4].pk): {"text": "三会一课"}}}, format="json")
    assert submitted.status_code == 200
    result = submitted.json()
    assert result["status"] == "pending_review"
    assert [q["score"] for q in result["questions"]] == [1.0, 1.0, 1.0, 1.0, None]
    # Nothing can be changed after submitting.
    late = api.put(f"/api/v1/quiz-attempts/{body['id']}/answers/{qs[0].pk}/", {"choices": []}, format="json")
    assert late.status_code == 409

    # The trainer grades the short answer; the attempt passes.
    trainer = MemberFactory(roles=["member", "trainer"])
    qz.trainers.add(trainer)
    qz.save()
    answer_id = QuizAttempt.objects.get(pk=body["id"]).answers.get(question=qs[4]).pk
    assert api.post(f"/api/v1/quiz-answers/{answer_id}/grade/", {"score": 2}, format="json").status_code == 403
    graded = _client(trainer).post(f"/api/v1/quiz-answers/{answer_id}/grade/", {"score": "1.5"}, format="json")
    assert graded.status_code == 200, graded.content
    assert graded.json()["score"] == 5.5 and graded.json()["passed"] is True
    detail = api.get(f"/api/v1/quizzes/{qz.pk}/").json()
    assert detail["me"]["passed"] is True and detail["me"]["attempts_left"] == 1


def test_a_member_cannot_answer_or_submit_for_another(exam):
    qz, qs = exam
    owner, intruder = MemberFactory(), MemberFactory()
    attempt_id = _client(owner).post(f"/api/v1/quizzes/{qz.pk}/attempts/").json()["id"]
    api = _client(intruder)
    put = api.put(f"/api/v1/quiz-attempts/{attempt_id}/answers/{qs[0].pk}/", correct_response(qs[0]), format="json")
    assert put.status_code == 403
    submit = api.post(f"/api/v1/quiz-attempts/{attempt_id}/submit/", {}, format="json")
    assert submit.status_code == 403
    assert api.get(f"/api/v1/quiz-attempts/{attempt_id}/").status_code == 404
    attempt = QuizAttempt.objects.get(pk=attempt_id)
    assert attempt.status == "in_progress"
    assert not attempt.answers.filter(response__isnull=False).exists()


def test_the_server_clock_decides_the_deadline(exam):
    qz, qs = exam
    member = MemberFactory()
    api = _client(member)
    with time_machine.travel(datetime.datetime(2026, 5, 1, 8, 0, tzinfo=datetime.UTC), tick=False) as clock:
        attempt_id = api.post(f"/api/v1/quizzes/{qz.pk}/attempts/").json()["id"]
        assert api.put(f"/api/v1/quiz-attempts/{attempt_id}/answers/{qs[0].pk}/", correct_response(qs[0]),
                       format="json").status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        late = api.put(f"/api/v1/quiz-attempts/{attempt_id}/answers/{qs[1].pk}/", correct_response(qs[1]),
                       format="json")
        assert late.status_code == 409
        # Submitting late with answers in the body: they are not counted.
        result = api.post(f"/api/v1/quiz-attempts/{attempt_id}/submit/",
                          {"answers": {str(qs[2].pk): {"value": True}}}, format="json").json()
    assert result["submitted_late"] is True
    assert result["status"] == "graded"  # the unanswered short answer scores 0, nothing waits
    assert result["score"] == 1.0
    assert result["duration_seconds"] == 1800


def test_attempt_limit_through_the_api(exam):
    qz, qs = exam
    api = _client(MemberFactory())
    for _i in range(2):
        attempt_id = api.post(f"/api/v1/quizzes/{qz.pk}/attempts/").json()["id"]
        api.post(f"/api/v1/quiz-attempts/{attempt_id}/submit/", {}, format="json")
    third = api.post(f"/api/v1/quizzes/{qz.pk}/attempts/")
    assert third.status_code == 400
    assert "2" in third.json()["error"]


def test_statistics_for_trainers_only(exam):
    qz, qs = exam
    single = qs[0]
    wrong = [c.pk for c in single.choices.all() if not c.is_correct]
    picks = [correct_choice_ids(single), [wrong[1]], [wrong[1]], [wrong[0]]]
    for choice in picks:
        member = MemberFactory()
        api = _client(member)
        attempt_id = api.post(f"/api/v1/quizzes/{qz.pk}/attempts/").json()["id"]
        api.post(f"/api/v1/quiz-attempts/{attempt_id}/submit/", {"answers": {str(single.pk): {"choices": choice}}},
                 format="json")
    assert _client(MemberFactory()).get(f"/api/v1/quizzes/{qz.pk}/stats/").status_code == 403
    trainer = MemberFactory(roles=["member", "trainer"])
    qz.trainers.add(trainer)
    qz.save()
    data = _client(trainer).get(f"/api/v1/quizzes/{qz.pk}/stats/").json()
    row = next(r for r in data["questions"] if r["question"] == single.pk)
    assert row["shown"] == 4 and row["correct"] == 1 and row["correct_rate"] == 0.25
    wrong_text = single.choices.get(pk=wrong[1]).text
    assert (row["most_common_wrong"], row["most_common_wrong_count"]) == (wrong_text, 2)
    assert len(data["members"]) == 4 and data["summary"]["attempts"] == 4
    assert all(m["attempts"] == 1 for m in data["members"])


def test_hours_are_credited_once_even_when_submitted_twice(exam):
    qz, qs = exam
    qz.credit_hours = 2
    qz.pass_percent = 50
    qz.save()
    member = MemberFactory()
    api = _client(member)
    attempt_id = api.post(f"/api/v1/quizzes/{qz.pk}/attempts/").json()["id"]
    answers = {str(q.pk): correct_response(q) for q in qs[:4]}
    first = api.post(f"/api/v1/quiz-attempts/{attempt_id}/submit/", {"answers": answers}, format="json").json()
    second = api.post(f"/api/v1/quiz-attempts/{attempt_id}/submit/", {}, format="json").json()
    assert first["passed"] is True and second["passed"] is True
    assert StudyHourEntry.objects.filter(member=member, source="quiz").count() == 1
