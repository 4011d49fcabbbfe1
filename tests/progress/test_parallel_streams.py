"""Study time is credited on one lesson at a time: four players open at once earn one player's time."""

import datetime

import pytest
from django.utils import timezone

from lms.progress.models import LessonProgress
from lms.progress.services import record_heartbeat
from tests.factories import make_course, make_lesson, make_talk

pytestmark = pytest.mark.django_db
START = timezone.now().replace(microsecond=0)


@pytest.fixture
def lessons():
    course = make_course("并行观看")
    return [make_lesson(course, f"视频{i}", rule="video", video=make_talk(f"录像{i}", duration=600))
            for i in range(4)]


def beat(member, lesson, position, at):
    return record_heartbeat(member, lesson, position, now=START + datetime.timedelta(seconds=at))


def watched(member, lesson) -> float:
    return LessonProgress.objects.get(member=member, lesson=lesson).watched_seconds


def test_four_lessons_playing_at_once_earn_one_lessons_time(member, lessons):
    for i, lesson in enumerate(lessons):
        beat(member, lesson, 0, i * 0.5)
    for step in range(1, 7):  # a minute of play, a beat every 10 s on each player
        for i, lesson in enumerate(lessons):
            beat(member, lesson, step * 10, step * 10 + i * 0.5)
    times = [watched(member, lesson) for lesson in lessons]
    assert times[:3] == [0, 0, 0]
    assert times[3] == pytest.approx(60, abs=0.5)  # the newest stream wins


def test_switching_lessons_moves_the_credit(member, lessons):
    a, b = lessons[:2]
    for t in range(0, 40, 10):
        beat(member, a, t, t)
    assert watched(member, a) == pytest.approx(30)
    for t in range(40, 80, 10):  # B starts while A's tab keeps beating
        beat(member, b, t - 40, t)
        beat(member, a, t, t + 1)
    assert watched(member, b) == pytest.approx(30)
    assert watched(member, a) == pytest.approx(30)  # nothing more while B plays
    for t in range(200, 240, 10):  # later, A alone again (B's tab closed long ago)
        beat(member, a, t - 100, t)
    assert watched(member, a) == pytest.approx(60)


def test_another_member_is_not_affected(member, lessons):
    from tests.factories import MemberFactory

    other = MemberFactory()
    for t in range(0, 40, 10):
        beat(member, lessons[0], t, t)
        beat(other, lessons[1], t, t + 0.5)
    assert watched(member, lessons[0]) == pytest.approx(30) == watched(other, lessons[1])
