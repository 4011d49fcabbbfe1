"""Lessons and courses completed through lms.progress become ADL ``completed`` statements in the LRS, once."""

import datetime

import pytest
from django.utils import timezone

from lms.progress import services as progress
from lms.xapi import tasks
from lms.xapi.emitters import statement_id
from lms.xapi.models import Statement
from tests.factories import MemberFactory, make_course, make_lesson

from .emitting import account, activity_iri, stored

pytestmark = pytest.mark.django_db
WHEN = timezone.make_aware(datetime.datetime(2026, 5, 20, 9, 30))


def test_lesson_and_course_completed(django_capture_on_commit_callbacks):
    member = MemberFactory()
    course = make_course("党章学习", credit_hours="2")
    lesson = make_lesson(course, "第一课", credit_minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        progress.complete_lesson(member, lesson, now=WHEN)
    completed = stored("completed")
    by_object = {s["object"]["id"]: s for s in completed}
    lesson_iri = activity_iri("lesson", lesson.translation_key)
    course_iri = activity_iri("course", course.translation_key)
    assert set(by_object) == {lesson_iri, course_iri}

    lesson_st = by_object[lesson_iri]
    assert lesson_st["id"] == statement_id(f"lesson-completed:{member.pk}:{lesson.pk}")
    assert lesson_st["actor"] == {"objectType": "Agent", "account": account(member)}
    assert lesson_st["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert lesson_st["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/lesson"
    assert lesson_st["object"]["definition"]["name"] == {"zh-Hans": "第一课"}
    assert lesson_st["result"]["completion"] is True
    assert lesson_st["context"]["contextActivities"]["parent"][0]["id"] == course_iri
    assert lesson_st["context"]["contextActivities"]["grouping"][0]["definition"]["type"] == (
        "http://id.tincanapi.com/activitytype/category")
    assert lesson_st["timestamp"].startswith("2026-05-20T01:30:00")  # 09:30 in Shanghai, stated in UTC

    course_st = by_object[course_iri]
    assert course_st["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/course"
    assert course_st["id"] == statement_id(f"course-completed:{member.pk}:{course.pk}")


def test_emitting_an_event_twice_stores_it_once(django_capture_on_commit_callbacks):
    member = MemberFactory()
    lesson = make_lesson(make_course(), "第二课")
    with django_capture_on_commit_callbacks(execute=True):
        progress.complete_lesson(member, lesson, now=WHEN)
    before = Statement.objects.count()
    assert tasks.emit("lesson", [member.pk, lesson.pk]) == 1  # the same event, stated again (a task retry)
    assert Statement.objects.count() == before
    assert len([s for s in stored("completed") if "/lesson/" in s["object"]["id"]]) == 1


def test_actor_by_email_only_when_the_setting_allows_it(settings, django_capture_on_commit_callbacks):
    settings.LMS_XAPI_ACTOR_EMAIL = True
    member = MemberFactory(email="zhang@example.org")
    lesson = make_lesson(make_course(), "第三课")
    with django_capture_on_commit_callbacks(execute=True):
        progress.complete_lesson(member, lesson, now=WHEN)
    assert {s["actor"]["mbox"] for s in stored("completed")} == {"mailto:zhang@example.org"}


def test_pseudonymous_actor_by_default_never_the_name_or_email(django_capture_on_commit_callbacks):
    member = MemberFactory(email="li@example.org", name="李四")
    lesson = make_lesson(make_course(), "第四课")
    with django_capture_on_commit_callbacks(execute=True):
        progress.complete_lesson(member, lesson, now=WHEN)
    for s in stored():
        assert s["actor"] == {"objectType": "Agent", "account": account(member)}
        assert "李四" not in str(s) and "li@example.org" not in str(s)


def test_a_failing_store_never_breaks_the_learners_action(monkeypatch, django_capture_on_commit_callbacks):
    def broken(statements, **kwargs):
        raise RuntimeError("the LRS is broken")

    monkeypatch.setattr("lms.xapi.services.store_statements", broken)
    member = MemberFactory()
    lesson = make_lesson(make_course(), "第五课")
    with django_capture_on_commit_callbacks(execute=True):
        assert progress.complete_lesson(member, lesson, now=WHEN) is True
    assert Statement.objects.count() == 0
