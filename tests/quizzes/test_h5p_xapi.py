import io

import pytest
from rest_framework.test import APIClient

from lms.catalog import completion
from lms.progress.models import LessonProgress
from lms.quizzes.h5p.package import import_package
from lms.quizzes.h5p.xapi import activity_iri, actor_mail
from lms.quizzes.models import H5PResult, H5PStatement
from tests.factories import MemberFactory, make_course, make_lesson
from tests.quizzes.factories import build_h5p

pytestmark = pytest.mark.django_db


@pytest.fixture
def h5p_lesson():
    lesson = make_lesson(make_course("互动学习"), rule=completion.H5P, credit_minutes=20)
    package = import_package(io.BytesIO(build_h5p()), filename="fixture.h5p")
    package.lesson = lesson
    package.save()
    return lesson, package


def statement(package, member, verb="completed", *, raw=1, success=True, sub=None):
    """Shaped like the statements H5P core builds (XAPIEvent.setActor/setObject/setScoredResult)."""
    object_id = activity_iri(package) + (f"?subContentId={sub}" if sub else "")
    return {
        "actor": {"name": member.name, "mbox": f"mailto:{actor_mail(member)}", "objectType": "Agent"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": {"id": object_id, "objectType": "Activity",
                   "definition": {"extensions": {"http://h5p.org/x-api/h5p-local-content-id": "lms-h5p"}}},
        "context": {"contextActivities": {"category": [
            {"id": "http://h5p.org/libraries/H5P.LmsFixtureQuestion-1.0", "objectType": "Activity"}]}},
        "result": {"score": {"min": 0, "max": 1, "raw": raw, "scaled": raw}, "completion": True,
                   "success": success, "duration": "PT12.5S"},
    }


def _client(member):
    client = APIClient()
    client.force_authenticate(member.user)
    return client


def _post(client, package, body):
    return client.post(f"/api/v1/h5p/{package.pk}/xapi/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")


def test_a_successful_statement_completes_the_lesson(h5p_lesson):
    lesson, package = h5p_lesson
    member = MemberFactory()
    client = _client(member)
    failed = _post(client, package, statement(package, member, "answered", raw=0, success=False))
    assert failed.status_code == 201 and failed.json()["lesson_completed"] is False
    assert not LessonProgress.objects.filter(member=member, completed_at__isnull=False).exists()

    passed = _post(client, package, statement(package, member, "completed", raw=1, success=True))
    assert passed.status_code == 201
    assert passed.json()["lesson_completed"] is True
    assert LessonProgress.objects.get(member=member, lesson=lesson).completed_at is not None
    result = H5PResult.objects.get(member=member, package=package)
    assert (result.attempts, result.best_score, result.last_score, result.passed) == (2, 1.0, 1.0, True)
    stored = H5PStatement.objects.filter(member=member).order_by("id")
    assert [(s.verb, s.score_raw, s.success, s.is_main) for s in stored] == [
        ("answered", 0, False, True), ("completed", 1, True, True)]
    # Posting it again records it but completes nothing twice.
    again = _post(client, package, statement(package, member, "completed"))
    assert again.status_code == 201 and again.json()["lesson_completed"] is False


def test_sub_content_statements_are_stored_but_do_not_complete(h5p_lesson):
    lesson, package = h5p_lesson
    member = MemberFactory()
    response = _post(_client(member), package, statement(package, member, "answered", sub="abc-1"))
    assert response.status_code == 201
    assert H5PStatement.objects.get(member=member).is_main is False
    assert not LessonProgress.objects.filter(member=member, completed_at__isnull=False).exists()


def test_pass_mark_overrides_the_contents_own_success(h5p_lesson):
    lesson, package = h5p_lesson
    package.pass_percent = 80
    package.save()
    member = MemberFactory()
    client = _client(member)
    _post(client, package, statement(package, member, raw=0.5, success=True))
    assert not LessonProgress.objects.filter(member=member, completed_at__isnull=False).exists()
    _post(client, package, statement(package, member, raw=0.9, success=False))
    assert LessonProgress.objects.get(member=member, lesson=lesson).completed_at is not None


def test_statements_for_another_user_are_refused(h5p_lesson):
    lesson, package = h5p_lesson
    me, other = MemberFactory(), MemberFactory()
    response = _post(_client(me), package, statement(package, other))
    assert response.status_code == 403
    assert "another user" in response.json()["error"]
    assert not H5PStatement.objects.exists()
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


def test_statements_about_other_content_are_refused(h5p_lesson):
    lesson, package = h5p_lesson
    other_package = import_package(io.BytesIO(build_h5p()), filename="other.h5p")
    member = MemberFactory()
    client = _client(member)
    # A statement about the other package posted to this package's endpoint…
    response = _post(client, package, statement(other_package, member))
    assert response.status_code == 400 and "other content" in response.json()["error"]
    # …or about an IRI that merely starts like ours.
    body = statement(package, member)
    body["object"]["id"] = activity_iri(package) + "0"
    assert _post(client, package, body).status_code == 400
    assert not H5PStatement.objects.exists()


@pytest.mark.parametrize("body", [
    [], {"actor": "x"}, {"verb": {"id": "x"}},
])
def test_malformed_statements_are_refused(h5p_lesson, body):
    lesson, package = h5p_lesson
    member = MemberFactory()
    assert _post(_client(member), package, body).status_code in (400, 403)
    assert not H5PStatement.objects.exists()


def test_bad_scores_are_refused(h5p_lesson):
    lesson, package = h5p_lesson
    member = MemberFactory()
    body = statement(package, member)
    body["result"]["score"]["scaled"] = 7
    assert _post(_client(member), package, body).status_code == 400
    body["result"]["score"]["scaled"] = "1"
    assert _post(_client(member), package, body).status_code == 400


def test_noise_verbs_are_acknowledged_but_not_stored(h5p_lesson):
    lesson, package = h5p_lesson
    member = MemberFactory()
    response = _post(_client(member), package, statement(package, member, "interacted"))
    assert response.status_code == 200 and response.json() == {"stored": False}
    assert not H5PStatement.objects.exists()


def test_lesson_page_plays_the_package_from_our_origin(h5p_lesson, client):
    lesson, package = h5p_lesson
    member = MemberFactory()
    client.force_login(member.user)
    html = client.get(lesson.url).content.decode()
    assert 'data-h5p-player' in html
    assert f'data-content-url="/h5p/{package.pk}/content"' in html
    assert "/static/vendor/h5p-standalone/main.bundle.js" in html
    assert f'data-user-mail="{actor_mail(member)}"' in html
    assert f'data-xapi-iri="{activity_iri(package)}"' in html
    assert f'data-xapi-url="/api/v1/h5p/{package.pk}/xapi/"' in html


def test_package_files_are_served_with_safe_headers(h5p_lesson, client):
    lesson, package = h5p_lesson
    client.force_login(MemberFactory().user)
    response = client.get(f"/h5p/{package.pk}/content/H5P.LmsFixtureQuestion-1.0/question.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert b"H5P.LmsFixtureQuestion" in b"".join(response.streaming_content)
    h5p_json = client.get(f"/h5p/{package.pk}/content/h5p.json")
    assert h5p_json["Content-Type"] == "application/json"
    for bad in ("../../settings.py", "content/../../h5p.json", "nope.json", "content", "H5P.LmsFixtureQuestion-1.0/"):
        assert client.get(f"/h5p/{package.pk}/content/{bad}").status_code == 404


def test_package_files_need_a_login(h5p_lesson, client):
    lesson, package = h5p_lesson
    response = client.get(f"/h5p/{package.pk}/content/h5p.json")
    assert response.status_code == 302


def test_the_contents_saved_state_is_kept_per_member(h5p_lesson, client):
    lesson, package = h5p_lesson
    url = f"/h5p/{package.pk}/user-data/state/0/"
    assert client.get(url).status_code == 403  # not signed in
    me, other = MemberFactory(), MemberFactory()
    client.force_login(me.user)
    assert client.get(url).json() == {"success": True, "data": False}
    assert client.post(url, {"data": '{"answer": 0}', "preload": "1", "invalidate": "0"}).json() == {"success": True}
    assert client.get(url).json() == {"success": True, "data": '{"answer": 0}'}
    client.force_login(other.user)
    assert client.get(url).json()["data"] is False  # one member never sees another's state
    client.force_login(me.user)
    client.post(url, {"data": "0", "preload": "0", "invalidate": "1"})  # H5P's "delete"
    assert client.get(url).json()["data"] is False
    assert client.post(url, {"data": "x" * (300 * 1024)}).status_code == 400


STATEMENT_ID = "6f1c2a4e-9b3d-4c8a-8e2f-1a2b3c4d5e6f"


def test_a_replayed_statement_is_stored_and_credited_once(h5p_lesson):
    lesson, package = h5p_lesson
    member = MemberFactory()
    client = _client(member)
    body = statement(package, member, "completed", raw=1, success=True)
    body["id"] = STATEMENT_ID
    first = _post(client, package, body)
    assert first.status_code == 201 and first.json()["lesson_completed"] is True
    assert first.json()["statement_id"] == STATEMENT_ID
    # The same statement again, keys in another order, with what an LRS adds and the id in capitals.
    again = dict(reversed(list(body.items())))
    again.update(id=STATEMENT_ID.upper(), stored="2030-01-01T00:00:00Z", timestamp="2030-01-01T00:00:00Z",
                 authority={"mbox": "mailto:lrs@example.com", "objectType": "Agent"})
    replay = _post(client, package, again)
    assert replay.status_code == 200, replay.content
    assert replay.json() == {"stored": False, "replay": True, "id": first.json()["id"],
                             "statement_id": STATEMENT_ID, "lesson_completed": False}
    assert H5PStatement.objects.filter(member=member).count() == 1
    assert H5PStatement.objects.get().statement_id.hex == STATEMENT_ID.replace("-", "")
    assert H5PResult.objects.get(member=member, package=package).attempts == 1


def test_a_different_statement_under_a_stored_id_is_a_conflict(h5p_lesson):
    lesson, package = h5p_lesson
    member, other = MemberFactory(), MemberFactory()
    body = statement(package, member, "answered", raw=0, success=False)
    body["id"] = STATEMENT_ID
    assert _post(_client(member), package, body).status_code == 201
    changed = statement(package, member, "completed", raw=1, success=True)
    changed["id"] = STATEMENT_ID
    response = _post(_client(member), package, changed)
    assert response.status_code == 409
    assert STATEMENT_ID in response.json()["error"]
    # Another member's statement under the same id is a conflict too, never a replay of the first.
    theirs = statement(package, other, "answered", raw=0, success=False)
    theirs["id"] = STATEMENT_ID
    assert _post(_client(other), package, theirs).status_code == 409
    assert H5PStatement.objects.count() == 1
    result = H5PResult.objects.get(member=member, package=package)
    assert (result.attempts, result.passed) == (1, False)
    assert not H5PResult.objects.filter(member=other).exists()
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "", 42, "6f1c2a4e9b3d4c8a8e2f1a2b3c4d5e6f",
                                    "{6f1c2a4e-9b3d-4c8a-8e2f-1a2b3c4d5e6f}"])
def test_a_malformed_statement_id_is_refused(h5p_lesson, bad_id):
    lesson, package = h5p_lesson
    member = MemberFactory()
    body = statement(package, member)
    body["id"] = bad_id
    response = _post(_client(member), package, body)
    assert response.status_code == 400 and "UUID" in response.json()["error"]
    assert not H5PStatement.objects.exists()


def test_statements_without_an_id_are_given_one(h5p_lesson):
    lesson, package = h5p_lesson
    member = MemberFactory()
    response = _post(_client(member), package, statement(package, member, "answered"))
    assert response.status_code == 201
    assert str(H5PStatement.objects.get().statement_id) == response.json()["statement_id"]


def test_two_identical_posts_at_once_store_one(h5p_lesson, monkeypatch):
    """The second of two simultaneous posts misses the first in its lookup and hits the unique id."""
    from django.db.models import QuerySet

    from lms.quizzes.h5p import xapi

    lesson, package = h5p_lesson
    member = MemberFactory()
    body = statement(package, member, "completed", raw=1, success=True)
    body["id"] = STATEMENT_ID
    assert _post(_client(member), package, body).status_code == 201
    real_first = QuerySet.first
    misses = []

    def first_misses_once(qs):
        if qs.model is H5PStatement and not misses:
            misses.append(qs)
            return None
        return real_first(qs)

    monkeypatch.setattr(QuerySet, "first", first_misses_once)
    recorded = xapi.record_statement(package, member, body)
    assert misses and recorded.replay and not recorded.completed
    assert H5PStatement.objects.count() == 1
    assert H5PResult.objects.get(member=member, package=package).attempts == 1


def test_in_a_course_with_an_exam_an_h5p_score_alone_credits_no_hours(h5p_lesson):
    """H5P scores come from the browser: where the course requires an exam, the H5P lesson is done for the
    course but its own hours are not credited; the exam-checked course completion credits the course."""
    from lms.records.models import StudyHourEntry
    from tests.quizzes.factories import question, quiz

    lesson, package = h5p_lesson
    exam_lesson = make_lesson(lesson.course, "结业考试", rule=completion.QUIZ)
    quiz([question()], title="结业考试", lesson=exam_lesson, kind="exam")
    member = MemberFactory()
    response = _post(_client(member), package, statement(package, member, "completed", raw=1, success=True))
    assert response.status_code == 201 and response.json()["lesson_completed"] is True
    assert LessonProgress.objects.get(member=member, lesson=lesson).completed_at is not None
    assert not StudyHourEntry.objects.filter(member=member).exists()


def test_without_an_exam_the_h5p_lesson_credits_its_hours(h5p_lesson):
    from lms.records.models import StudyHourEntry

    _lesson, package = h5p_lesson
    member = MemberFactory()
    _post(_client(member), package, statement(package, member, "completed", raw=1, success=True))
    assert StudyHourEntry.objects.filter(member=member, reference__startswith="lesson:").count() == 1
