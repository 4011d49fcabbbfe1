"""The runtime's data per member and SCO: launch data, commits, resuming, and completing the lesson once."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from lms.progress.models import Enrollment, LessonProgress
from lms.records.models import StudyHourEntry
from lms.scorm import services
from lms.scorm.models import ScormAttempt, ScormResult
from tests.factories import MemberFactory
from tests.scorm import packages
from tests.scorm.conftest import place, web

pytestmark = pytest.mark.django_db


def launch(client, item):
    response = client.get(f"/scorm/items/{item.pk}/launch/")
    assert response.status_code == 200, response.content
    return response.json()


def commit(client, data, item=None, *, url=None):
    url = url or launch(client, item)["commit_url"]
    body = data if isinstance(data, bytes | str) else json.dumps(data)
    return client.post(url, body, content_type="application/json")


def sco(package, n=0):
    return package.items.filter(is_sco=True).order_by("position")[n]


def test_the_first_launch_starts_from_scratch(single, learner):
    package, _lesson = single
    data = launch(learner, sco(package))
    assert data["version"] == "1.2"
    assert data["src"] == f"/scorm/{package.pk}/content/index.html"
    assert data["commit_url"].startswith(f"/scorm/items/{sco(package).pk}/commit/?t=")
    assert data["cmi"] == {"cmi.core.student_id": learner.member.employee_no, "cmi.core.student_name": "张学习",
                           "cmi.core.entry": "ab-initio"}


def test_a_commit_is_kept_and_resumed(single, learner):
    package, _lesson = single
    item = sco(package)
    response = commit(learner, {"cmi.core.lesson_location": "page-2", "cmi.core.lesson_status": "incomplete",
                                "cmi.suspend_data": "seen=1,2", "cmi.core.exit": "suspend",
                                "cmi.core.session_time": "00:01:00"}, item)
    assert response.status_code == 200
    assert response.json() == {"result": "true", "errorCode": 0, "done": False, "lesson_completed": False}
    attempt = ScormAttempt.objects.get(item=item, member=learner.member)
    assert (attempt.status, attempt.completed_at, attempt.commits) == ("incomplete", None, 1)
    data = launch(learner, item)
    assert data["cmi"]["cmi.core.entry"] == "resume"
    assert data["cmi"]["cmi.core.lesson_location"] == "page-2"
    assert data["cmi"]["cmi.suspend_data"] == "seen=1,2"
    assert data["cmi"]["cmi.core.lesson_status"] == "incomplete"


def test_the_2004_launch_carries_the_manifest_data(multi, learner):
    package, _lesson = multi
    data = launch(learner, sco(package))
    assert data["src"] == f"/scorm/{package.pk}/content/one/index.html?part=1"
    assert data["cmi"]["cmi.scaled_passing_score"] == "0.6000"
    assert data["cmi"]["cmi.entry"] == "ab-initio"
    commit(learner, {"cmi": {"location": "slide-3", "completion_status": "incomplete", "exit": "suspend",
                             "objectives": [{"id": "obj-1", "success_status": "passed", "_count": 1}],
                             "interactions": [{"id": "q1", "result": "correct"}]}},
           sco(package))  # a nested commit is read the same way
    again = launch(learner, sco(package))["cmi"]
    assert (again["cmi.location"], again["cmi.entry"], again["cmi.completion_status"]) == (
        "slide-3", "resume", "incomplete")
    assert (again["cmi.objectives.0.id"], again["cmi.objectives.0.success_status"]) == ("obj-1", "passed")
    assert "cmi.objectives.0._count" not in again and "cmi.interactions.0.id" not in again


def _ledger(member):
    return StudyHourEntry.objects.filter(member=member)


def test_completing_the_single_sco_completes_the_lesson_once(single, learner):
    package, lesson = single
    item = sco(package)
    url = launch(learner, item)["commit_url"]
    done = {"cmi.core.lesson_status": "completed", "cmi.core.score.raw": "90", "cmi.core.score.max": "100",
            "cmi.core.total_time": "0000:05:00.00"}
    first = commit(learner, done, url=url).json()
    assert first["done"] is True and first["lesson_completed"] is True
    for _ in range(3):
        assert commit(learner, done, url=url).json()["lesson_completed"] is False
    member = learner.member
    assert LessonProgress.objects.get(member=member, lesson=lesson).completed_at is not None
    lesson_credits = _ledger(member).filter(reference=f"lesson:{lesson.pk}")
    assert lesson_credits.count() == 1 and float(lesson_credits.get().hours) == 0.5
    assert Enrollment.objects.get(member=member, course=lesson.course).status == Enrollment.Status.COMPLETED
    assert _ledger(member).filter(reference=f"course:{lesson.course.pk}").count() == 1
    attempt = ScormAttempt.objects.get(item=item, member=member)
    assert (float(attempt.score_raw), float(attempt.score_scaled), attempt.total_time) == (90, 0.9, "0000:05:00.00")
    assert float(ScormResult.objects.get(package=package, member=member).score_scaled) == 0.9


def test_a_later_session_does_not_undo_completion(single, learner):
    package, lesson = single
    item = sco(package)
    commit(learner, {"cmi.core.lesson_status": "passed"}, item)
    commit(learner, {"cmi.core.lesson_status": "incomplete"}, item)
    attempt = ScormAttempt.objects.get(item=item, member=learner.member)
    assert attempt.status == "incomplete" and attempt.completed_at is not None
    assert LessonProgress.objects.get(member=learner.member, lesson=lesson).completed_at is not None


def test_failed_is_completed_but_not_passed(single, learner):
    package, lesson = single
    response = commit(learner, {"cmi.core.lesson_status": "failed"}, sco(package)).json()
    assert response["done"] is False
    attempt = ScormAttempt.objects.get(member=learner.member)
    assert (attempt.status, attempt.success_status, attempt.completed_at) == ("failed", "failed", None)
    assert not LessonProgress.objects.filter(member=learner.member, lesson=lesson, completed_at__isnull=False).exists()


def test_the_mastery_score_decides_passing(db):
    package, lesson = place(packages.scorm12(mastery=80))
    client = web(MemberFactory())
    item = sco(package)
    assert launch(client, item)["cmi"]["cmi.student_data.mastery_score"] == "80.00"
    low = commit(client, {"cmi.core.lesson_status": "completed", "cmi.core.score.raw": "70"}, item).json()
    assert low["done"] is False and ScormAttempt.objects.get().status == "failed"
    high = commit(client, {"cmi.core.lesson_status": "completed", "cmi.core.score.raw": "85"}, item).json()
    assert high["lesson_completed"] is True and ScormAttempt.objects.get().status == "passed"


def test_2004_success_status(multi, learner):
    package, _lesson = multi
    item = sco(package, 1)  # no passing score in the manifest: the SCO's own success status counts
    failed = commit(learner, {"cmi.completion_status": "completed", "cmi.success_status": "failed"}, item).json()
    assert failed["done"] is False
    unknown = commit(learner, {"cmi.completion_status": "completed", "cmi.success_status": "unknown"}, item).json()
    assert unknown["done"] is True
    # The first SCO's scaled passing score (0.6) overrides what the SCO says.
    first = sco(package)
    low = commit(learner, {"cmi.completion_status": "completed", "cmi.success_status": "passed",
                           "cmi.score.scaled": "0.5"}, first).json()
    assert low["done"] is False and ScormAttempt.objects.get(item=first).success_status == "failed"


def test_multi_sco_needs_every_sco(multi, learner):
    package, lesson = multi
    done = {"cmi.completion_status": "completed", "cmi.success_status": "passed", "cmi.score.scaled": "0.9"}
    first = commit(learner, done, sco(package)).json()
    assert first == {"result": "true", "errorCode": 0, "done": True, "lesson_completed": False}
    assert not LessonProgress.objects.filter(member=learner.member, lesson=lesson, completed_at__isnull=False).exists()
    second = commit(learner, {**done, "cmi.score.scaled": "0.7"}, sco(package, 1)).json()
    assert second["lesson_completed"] is True
    assert _ledger(learner.member).filter(reference=f"lesson:{lesson.pk}").count() == 1
    assert float(ScormResult.objects.get(member=learner.member).score_scaled) == 0.8


def test_a_lesson_with_another_rule_is_not_completed_by_the_package(db):
    package, lesson = place(packages.scorm12(), rule="confirm")
    client = web(MemberFactory())
    assert commit(client, {"cmi.core.lesson_status": "completed"}, sco(package)).json() == {
        "result": "true", "errorCode": 0, "done": True, "lesson_completed": False}
    assert not LessonProgress.objects.filter(lesson=lesson, completed_at__isnull=False).exists()


@pytest.mark.parametrize("body, word", [
    (b"{not json", "JSON"),
    (b"[1, 2]", "JSON"),
    (b"{}", "JSON"),
    (b'"text"', "JSON"),
    (json.dumps({"cmi.core.lesson_status": "done-ish"}), "cmi.core.lesson_status"),
    (json.dumps({"cmi.core.score.raw": "ninety"}), "cmi.core.score.raw"),
    (json.dumps({"cmi.core.score.raw": "1e400"}), "cmi.core.score.raw"),
    (json.dumps({"cmi.core.total_time": "soon"}), "cmi.core.total_time"),
    (json.dumps({"evil": "x"}), "evil"),
    (json.dumps({"cmi.core.lesson_location": {"$gt": 1}}), "lesson_location"),
    (json.dumps({"cmi.core.lesson_location": {"$gt": []}}), "JSON"),
    (json.dumps({"cmi.core.lesson_location": ["a", {"b": 1.5e400}]}), ""),
    (json.dumps({"cmi.suspend_data": "x" * 70000}), "cmi.suspend_data"),
    (b"\xff\xfe", "JSON"),
])
def test_bad_commits_are_refused_with_400(single, learner, body, word):
    package, _lesson = single
    response = commit(learner, body, sco(package))
    assert response.status_code == 400
    assert response.json()["result"] == "false" and word in response.json()["error"]
    assert not ScormAttempt.objects.exists()


def test_a_too_large_commit_is_refused(single, learner, settings):
    settings.SCORM_MAX_COMMIT_BYTES = 100
    package, _lesson = single
    response = commit(learner, {"cmi.suspend_data": "x" * 200}, sco(package))
    assert response.status_code == 400 and "过大" in response.json()["error"]


def test_another_members_commit_url_is_refused(single, learner):
    package, _lesson = single
    url = launch(learner, sco(package))["commit_url"]
    intruder = web(MemberFactory())
    response = commit(intruder, {"cmi.core.lesson_status": "completed"}, url=url)
    assert response.status_code == 403
    assert not ScormAttempt.objects.exists()
    item_id = sco(package).pk
    no_token = commit(learner, {"cmi.core.lesson_status": "completed"}, url=f"/scorm/items/{item_id}/commit/")
    assert no_token.status_code == 403
    assert commit(learner, {"cmi.core.lesson_status": "completed"},
                  url=f"/scorm/items/{item_id}/commit/?t=0123").status_code == 403


def test_the_token_belongs_to_one_sco(multi, learner):
    package, _lesson = multi
    url = launch(learner, sco(package))["commit_url"]
    other = url.replace(f"/items/{sco(package).pk}/", f"/items/{sco(package, 1).pk}/")
    assert commit(learner, {"cmi.completion_status": "completed"}, url=other).status_code == 403


def test_anonymous_gets_403_not_a_redirect(single):
    package, _lesson = single
    client = Client()
    assert client.get(f"/scorm/items/{sco(package).pk}/launch/").status_code == 403
    assert client.post(f"/scorm/items/{sco(package).pk}/commit/?t=x", "{}",
                       content_type="application/json").status_code == 403


def test_only_post_commits(single, learner):
    package, _lesson = single
    url = launch(learner, sco(package))["commit_url"]
    assert learner.get(url).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_concurrent_commits_complete_once():
    package, lesson = place(packages.scorm12())
    member = MemberFactory()
    item = sco(package)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def post():
        try:
            barrier.wait()
            done = services.record_commit(item, member, {"cmi.core.lesson_status": "completed"})
            results.append(done.lesson_completed)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == [False, False, False, True]
    assert _ledger(member).filter(reference=f"lesson:{lesson.pk}").count() == 1
    assert ScormAttempt.objects.get(member=member).commits == 4


def test_the_final_commit_by_beacon_is_accepted(single, learner):
    """sendBeacon posts the last commit as text with no CSRF header: the URL's token is enough."""
    package, _lesson = single
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner.member.user)
    url = launch(browser, sco(package))["commit_url"]
    response = browser.post(url, json.dumps({"cmi.core.lesson_status": "completed"}),
                            content_type="text/plain;charset=UTF-8")
    assert response.status_code == 200 and response.json()["done"] is True
