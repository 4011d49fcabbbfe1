import datetime

import pytest
from django.utils import timezone, translation

from lms.progress.models import Enrollment, LessonProgress
from lms.progress.services import record_heartbeat
from lms.records.models import StudyHourEntry
from tests.factories import make_course, make_lesson, make_talk

T0 = timezone.make_aware(datetime.datetime(2026, 3, 1, 9, 0, 0))


@pytest.fixture
def video_lesson(db):
    course = make_course("视频课", credit_hours="2")
    return make_lesson(course, rule="video", video=make_talk(duration=100.0))


def beat(member, lesson, position, seconds_after_start, event="progress"):
    now = T0 + datetime.timedelta(seconds=seconds_after_start)
    return record_heartbeat(member, lesson, position, event=event, now=now)


def test_continuous_watching_counts_real_seconds(member, video_lesson):
    beat(member, video_lesson, 0, 0, "seek")
    for t in range(5, 50, 5):
        beat(member, video_lesson, t, t)
    lp = LessonProgress.objects.get(member=member, lesson=video_lesson)
    assert lp.watched_seconds == pytest.approx(45)
    assert lp.completed_at is None


def test_seeking_ahead_does_not_count(member, video_lesson):
    beat(member, video_lesson, 0, 0, "seek")
    beat(member, video_lesson, 10, 10)
    # jump from 10 s to 95 s of the video within 5 s of wall-clock time: a seek, not watching
    result = beat(member, video_lesson, 95, 15)
    assert result.counted_seconds == 0
    beat(member, video_lesson, 100, 20)
    lp = LessonProgress.objects.get(member=member, lesson=video_lesson)
    assert lp.watched_seconds == pytest.approx(15)
    assert lp.completed_at is None


def test_rewatching_is_not_counted_twice(member, video_lesson):
    beat(member, video_lesson, 0, 0, "seek")
    beat(member, video_lesson, 20, 20)
    beat(member, video_lesson, 0, 21, "seek")
    beat(member, video_lesson, 20, 41)
    assert LessonProgress.objects.get(member=member, lesson=video_lesson).watched_seconds == pytest.approx(20)


def test_long_pause_breaks_continuity(member, video_lesson):
    beat(member, video_lesson, 0, 0, "seek")
    # 10 minutes later the position moved 80 s: too long a gap to trust, counts nothing
    assert beat(member, video_lesson, 80, 600).counted_seconds == 0


def test_ninety_percent_completes_lesson_course_and_credits_once(member, video_lesson):
    beat(member, video_lesson, 0, 0, "seek")
    t = 0
    for pos in range(10, 91, 10):
        t += 10
        beat(member, video_lesson, pos, t)
    lp = LessonProgress.objects.get(member=member, lesson=video_lesson)
    assert lp.watched_seconds == pytest.approx(90)
    assert lp.completed_at is not None
    enrollment = Enrollment.objects.get(member=member, course=video_lesson.course)
    assert enrollment.status == "completed" and enrollment.percent == 100
    beat(member, video_lesson, 100, t + 10)
    entries = StudyHourEntry.objects.filter(member=member)
    assert [(e.source, str(e.hours)) for e in entries] == [("course", "2.00")]


def test_heartbeat_api_validates_and_rejects_non_members(member_api, video_lesson, api, django_user_model):
    r = member_api.post(f"/api/v1/lessons/{video_lesson.pk}/heartbeat/", {"position": -3}, format="json")
    assert r.status_code == 400 and "error" in r.json()
    r = member_api.post(f"/api/v1/lessons/{video_lesson.pk}/heartbeat/", {"position": "abc"}, format="json")
    assert r.status_code == 400
    r = member_api.post("/api/v1/lessons/999999/heartbeat/", {"position": 1}, format="json")
    assert r.status_code == 404 and r.json()["error"]
    r = member_api.post(f"/api/v1/lessons/{video_lesson.pk}/heartbeat/", {"position": 1, "event": "seek"},
                        format="json")
    assert r.status_code == 200 and r.json()["completed"] is False
    api.force_authenticate(django_user_model.objects.create(username="nomember"))
    assert api.post(f"/api/v1/lessons/{video_lesson.pk}/heartbeat/", {"position": 1}, format="json").status_code == 403


def test_text_lesson_needs_minimum_time_before_confirm(member):
    from lms.progress.services import ProgressError, confirm_lesson

    course = make_course("文字课", credit_hours="1")
    lesson = make_lesson(course, rule="confirm", minutes=2)
    with pytest.raises(ProgressError), translation.override("zh-hans"):
        confirm_lesson(member, lesson)
    beat(member, lesson, 0, 0, "time")
    for i in range(1, 8):
        beat(member, lesson, 0, i * 15, "time")
    # What is left reads in words, never "about 0 minutes" when seconds remain.
    with pytest.raises(ProgressError, match="还需 15 秒"), translation.override("zh-hans"):
        confirm_lesson(member, lesson)
    beat(member, lesson, 0, 120, "time")
    lp = confirm_lesson(member, lesson)
    assert lp.completed_at is not None
    assert Enrollment.objects.get(member=member, course=course).status == "completed"
