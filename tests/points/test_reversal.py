"""Points follow their source: attendance marked and corrected (lms.activities), study hours reversed
(lms.records), lessons completed (lms.progress signals), heartbeats (verified study time, a video to the end)."""

import datetime

import pytest

from lms.activities import services as activities
from lms.activities.models import ActivityKind
from lms.points.models import PointEntry, PointTotal
from lms.progress import services as progress
from lms.records import services as ledger
from lms.records.models import StudyHourEntry
from tests.factories import make_course, make_lesson, make_talk

from .conftest import aware, make_rule

pytestmark = pytest.mark.usefixtures("no_seeded_rules")


@pytest.fixture
def lecture(org, people):
    return activities.schedule(user=people["sec1"].user, kind=ActivityKind.objects.get(code="party_lecture"),
                               unit=org["branch1"], title="五月专题党课", starts_at=aware(2026, 5, 20, 14),
                               ends_at=aware(2026, 5, 20, 16), place="三楼会议室", agenda="学习党章", lecturer="张书记")


def rows(member):
    return list(PointEntry.objects.filter(member=member).order_by("id").values_list("source_key", "points"))


def test_attendance_credits_and_correction_reverses(lecture, people, django_capture_on_commit_callbacks):
    make_rule("activity", 3)
    m1, sec1 = people["m1"], people["sec1"]
    with django_capture_on_commit_callbacks(execute=True):
        activities.mark(lecture, m1, "present", by=sec1.user)
    key = f"activity:{lecture.pk}"
    assert rows(m1) == [(key, 3)]
    with django_capture_on_commit_callbacks(execute=True):
        activities.mark(lecture, m1, "present", by=sec1.user)  # saved again: nothing new
        activities.mark(lecture, m1, "absent", by=sec1.user)
    assert rows(m1) == [(key, 3), (key, -3)]
    reversal = PointEntry.objects.get(member=m1, points=-3)
    assert reversal.reverses is not None and reversal.date == datetime.date(2026, 5, 20)
    with django_capture_on_commit_callbacks(execute=True):
        activities.mark(lecture, m1, "late", by=sec1.user)
    assert rows(m1) == [(key, 3), (key, -3), (f"{key}#2", 3)]
    assert PointTotal.objects.get(member=m1, year=2026, month=5).points == 3


def test_study_hour_reversal_takes_lesson_points_back(people, django_capture_on_commit_callbacks):
    make_rule("lesson", 1)
    make_rule("course", 5)
    m1 = people["m1"]
    course = make_course("党章学习", credit_hours="2")
    lesson = make_lesson(course, credit_minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        progress.complete_lesson(m1, lesson)
    assert sorted(rows(m1)) == [(f"course:{course.pk}", 5), (f"lesson:{lesson.pk}", 1)]
    credit = StudyHourEntry.objects.get(member=m1, source="lesson")
    with django_capture_on_commit_callbacks(execute=True):
        ledger.reverse(credit, reason="学时认定有误")
    entry = PointEntry.objects.get(member=m1, points=-1)
    assert entry.reason == "学时认定有误" and entry.source_key == f"lesson:{lesson.pk}"
    # The course credit stands.
    assert PointTotal.objects.get(member=m1, month=0).points == 5


def test_heartbeats_count_daily_study_and_a_video_watched_to_the_end(people, django_capture_on_commit_callbacks):
    make_rule("study", 1, min_minutes=1, daily_cap=1)
    make_rule("talk", 1)
    m1 = people["m1"]
    talk = make_talk("专题党课", duration=90.0)
    course = make_course()
    lesson = make_lesson(course, rule="video", video=talk)
    start = aware(2026, 5, 20, 9)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(7):
            progress.record_heartbeat(m1, lesson, 15.0 * n, now=start + datetime.timedelta(seconds=15 * n))
    assert [k for k, _p in rows(m1)] == ["study:2026-05-20", f"talk:{talk.pk}"]
    # A client that claims a position far ahead without the time to play it earns nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        progress.record_heartbeat(m1, lesson, 90.0, now=start + datetime.timedelta(seconds=200))
    assert len(rows(m1)) == 2


def test_an_imported_attendance_list_earns_the_points_once(lecture, people, django_capture_on_commit_callbacks):
    """The import writes attendance in bulk (no save signals); its own signal brings the points, once."""
    from lms.activities.importer import import_attendance

    make_rule("activity", 3)
    m1, sec1 = people["m1"], people["sec1"]
    sheet = f"工号,状态\n{m1.employee_no},出席\n".encode("utf-8-sig")
    with django_capture_on_commit_callbacks(execute=True):
        assert import_attendance(lecture, sheet, "sheet.csv", created_by=sec1.user).ok
    key = f"activity:{lecture.pk}"
    assert rows(m1) == [(key, 3)]
    with django_capture_on_commit_callbacks(execute=True):
        assert import_attendance(lecture, sheet, "sheet.csv", created_by=sec1.user).ok  # the same list again
    assert rows(m1) == [(key, 3)]
