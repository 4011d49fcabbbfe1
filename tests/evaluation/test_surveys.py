"""Surveys: required before completion (the course, its hours and course_completed wait for the answer), answering
once, bad input, activity surveys, and results (access, anonymity, export)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from lms.evaluation import services
from lms.evaluation.models import Response, SurveyAssignment
from lms.progress import services as progress
from lms.progress.models import Enrollment
from lms.records.models import StudyHourEntry
from tests.evaluation.conftest import answers, make_template
from tests.factories import MemberFactory


def finish_lessons(member, lessons):
    for lesson in lessons:
        progress.complete_lesson(member, lesson)


def enrollment(w, member):
    return Enrollment.objects.get(member=member, course=w.course)


def browser(member):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(member.user)
    return client


def test_required_survey_holds_completion_until_answered(ev, django_capture_on_commit_callbacks):
    from lms.progress.signals import course_completed

    fired = []
    course_completed.connect(lambda **kw: fired.append(kw["member_id"]), dispatch_uid="test-ev-completed", weak=False)
    try:
        assignment = services.attach(ev.template, course=ev.course, required_before_completion=True)
        survey_lesson = services.sync_survey_lesson(ev.course.pk)
        assert survey_lesson.completion_rule == services.SURVEY and survey_lesson.required and survey_lesson.live
        assert services.sync_survey_lesson(ev.course.pk).pk == survey_lesson.pk  # idempotent
        # Not open before the lessons are done.
        assert not services.survey_state(ev.member, assignment).open
        with pytest.raises(services.NotOpen):
            services.submit(ev.member, assignment, answers(ev.template))
        with django_capture_on_commit_callbacks(execute=True):
            finish_lessons(ev.member, ev.lessons)
        e = enrollment(ev, ev.member)
        assert e.completed_at is None and e.percent < 100
        assert not StudyHourEntry.objects.filter(member=ev.member, reference=f"course:{ev.course.pk}").exists()
        assert ev.member.pk not in fired
        # The course page shows the survey form.
        page = browser(ev.member).get(ev.course.url).content.decode()
        assert "课程评价" in page and f'action="/evaluation/{assignment.pk}/"' in page
        with django_capture_on_commit_callbacks(execute=True):
            res = browser(ev.member).post(f"/evaluation/{assignment.pk}/",
                                          {**answers(ev.template), "next": ev.course.url})
        assert res.status_code == 302 and res["Location"] == ev.course.url
        e = enrollment(ev, ev.member)
        assert e.completed_at is not None and e.percent == 100
        assert StudyHourEntry.objects.filter(member=ev.member, reference=f"course:{ev.course.pk}").count() == 1
        assert fired == [ev.member.pk]
        assert "已评价" in browser(ev.member).get(ev.course.url).content.decode()
    finally:
        course_completed.disconnect(dispatch_uid="test-ev-completed")


def test_not_required_survey_does_not_block(ev):
    assignment = services.attach(ev.template, course=ev.course)
    assert services.sync_survey_lesson(ev.course.pk) is None
    finish_lessons(ev.member, ev.lessons)
    assert enrollment(ev, ev.member).completed_at is not None
    assert [s.assignment for s in services.pending_for(ev.member)] == [assignment]
    services.submit(ev.member, assignment, answers(ev.template))
    assert services.pending_for(ev.member) == []


def test_turning_required_off_unpublishes_the_survey_lesson(ev, django_capture_on_commit_callbacks):
    assignment = services.attach(ev.template, course=ev.course, required_before_completion=True)
    lesson = services.sync_survey_lesson(ev.course.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assignment.required_before_completion = False
        assignment.save()
    lesson.refresh_from_db()
    assert not lesson.live
    finish_lessons(ev.member, ev.lessons)
    assert enrollment(ev, ev.member).completed_at is not None


def test_answer_once_and_bad_input(ev):
    assignment = services.attach(ev.template, course=ev.course, opens=SurveyAssignment.Opens.ANY_TIME)
    client = browser(ev.member)
    url = f"/evaluation/{assignment.pk}/"
    assert client.get(url).status_code == 200
    # Out of range rating, unknown option, missing required: 400 with messages, nothing stored, input kept.
    bad = answers(ev.template, rating="9", single="不存在", text="保留我的意见")
    res = client.post(url, bad)
    assert res.status_code == 400
    body = res.content.decode()
    assert "保留我的意见" in body and 'role="alert"' in body
    assert not Response.objects.exists()
    res = client.post(url, {})
    assert res.status_code == 400 and not Response.objects.exists()
    assert client.post(url, answers(ev.template)).status_code == 302
    assert client.post(url, answers(ev.template, rating="1")).status_code == 302
    assert Response.objects.count() == 1
    assert Response.objects.get().answers.get(item__kind="likert").rating == 5
    with pytest.raises(services.AlreadyAnswered):
        services.submit(ev.member, assignment, answers(ev.template))
    # Someone not enrolled does not see it at all.
    stranger = MemberFactory(org_unit=ev.unit)
    assert services.survey_state(stranger, assignment) is None
    assert browser(ev.trainer).get(url).status_code == 404
    assert browser(ev.member).get("/evaluation/999999/").status_code == 404


def test_activity_survey_opens_after_the_activity_for_attendees(ev):
    from lms.activities.models import Activity, ActivityKind, Attendance

    kind = ActivityKind.objects.first() or ActivityKind.objects.create(code="lecture", name="党课")
    now = timezone.now()
    activity = Activity.objects.create(kind=kind, unit=ev.unit, title="专题党课",
                                       starts_at=now + datetime.timedelta(hours=1),
                                       ends_at=now + datetime.timedelta(hours=2))
    Attendance.objects.create(activity=activity, member=ev.member, status=Attendance.Status.PRESENT)
    Attendance.objects.create(activity=activity, member=ev.other, status=Attendance.Status.ABSENT)
    assignment = services.attach(make_template("党课评价"), activity=activity)
    assert services.survey_state(ev.other, assignment) is None
    state = services.survey_state(ev.member, assignment)
    assert not state.open and state.reason
    later = now + datetime.timedelta(hours=3)
    assert services.survey_state(ev.member, assignment, now=later).open
    services.submit(ev.member, assignment, answers(assignment.template), now=later)
    with pytest.raises(ValidationError):
        SurveyAssignment(template=assignment.template, activity=activity, required_before_completion=True).full_clean()
    assert services.eligible_count(assignment) == 1 and services.response_count(assignment) == 1


def test_results_access_anonymity_and_export(ev):
    assignment = services.attach(ev.template, course=ev.course)
    for m, rating, text in ((ev.member, "5", "讲得透彻"), (ev.other, "3", "")):
        finish_lessons(m, ev.lessons)
        services.submit(m, assignment, answers(ev.template, rating=rating, text=text))
    rows = services.summary(SurveyAssignment.objects.all())
    assert rows[0].responses == 2 and rows[0].eligible == 2 and rows[0].rate == 100.0 and rows[0].average == 4.0
    likert = services.item_results(assignment)[0]
    assert likert.average == 4.0 and [b["count"] for b in likert.bars] == [1, 0, 1, 0, 0]
    # HR and the trainer see results; a member does not.
    assert browser(ev.member).get("/evaluation/results/").status_code == 403
    assert browser(ev.member).get(f"/evaluation/results/{assignment.pk}/").status_code == 404
    for viewer in (ev.hr, ev.trainer):
        page = browser(viewer).get(f"/evaluation/results/{assignment.pk}/").content.decode()
        assert "讲得透彻" in page and "张三" not in page  # anonymous free text
        assert browser(viewer).get("/evaluation/results/").status_code == 200
    ev.template.anonymous_free_text = False
    ev.template.save()
    assert "张三" in browser(ev.hr).get(f"/evaluation/results/{assignment.pk}/").content.decode()
    # Periods: bad input is a message, not an error; a year without responses shows none.
    res = browser(ev.hr).get("/evaluation/results/", {"start": "not-a-date"})
    assert res.status_code == 200
    year = timezone.localdate().year
    last_year = services.period_from({"year": str(year - 1)})
    assert services.summary(SurveyAssignment.objects.all(), last_year)[0].responses == 0
    assert services.period_from({"year": "2025", "quarter": "4"}).end == datetime.date(2025, 12, 31)
    # XLSX export.
    res = browser(ev.hr).get(f"/evaluation/results/{assignment.pk}/", {"format": "xlsx"})
    assert res.status_code == 200 and res["Content-Type"].startswith("application/vnd.openxmlformats")
    res = browser(ev.trainer).get("/evaluation/results/", {"format": "xlsx"})
    assert res.status_code == 200
