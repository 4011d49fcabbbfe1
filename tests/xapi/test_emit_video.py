"""Video lessons in the xAPI Video Profile, aggregated: a session start, pauses, the end and the completion are
stated; the heartbeats between them are not."""

import datetime

import pytest
from django.utils import timezone

from lms.progress import services as progress
from tests.factories import MemberFactory, make_course, make_lesson, make_talk

from .emitting import activity_iri, stored, verbs

pytestmark = pytest.mark.django_db
EXT = "https://w3id.org/xapi/video/extensions/"
START = timezone.make_aware(datetime.datetime(2026, 5, 20, 9))


def beat(member, lesson, position, seconds, event="progress"):
    return progress.record_heartbeat(member, lesson, position, event=event,
                                     now=START + datetime.timedelta(seconds=seconds))


def test_viewing_session_pause_end_and_completion(django_capture_on_commit_callbacks):
    member = MemberFactory()
    talk = make_talk("专题党课", duration=100.0)
    course = make_course("党史学习")
    lesson = make_lesson(course, "视频课", rule="video", video=talk)
    with django_capture_on_commit_callbacks(execute=True):
        beat(member, lesson, 0, 0, "seek")
        for n in range(1, 5):
            beat(member, lesson, 10.0 * n, 10 * n)
        beat(member, lesson, 40.0, 41, "pause")
    # One session start and one pause, not a statement per heartbeat.
    assert verbs() == ["initialized", "paused"]
    initialized, paused = stored()
    video_iri = activity_iri("video", talk.pk)
    assert paused["object"]["id"] == video_iri
    assert paused["object"]["definition"]["type"] == "https://w3id.org/xapi/video/activity-type/video"
    assert paused["verb"]["id"] == "https://w3id.org/xapi/video/verbs/paused"
    ext = paused["result"]["extensions"]
    assert ext[EXT + "played-segments"] == "0[.]40"
    assert ext[EXT + "time"] == 40.0 and ext[EXT + "progress"] == 0.4
    ctx = paused["context"]
    assert ctx["extensions"][EXT + "length"] == 100.0
    assert ctx["extensions"][EXT + "session-id"] == initialized["context"]["extensions"][EXT + "session-id"]
    assert ctx["contextActivities"]["parent"][0]["id"] == activity_iri("lesson", lesson.translation_key)
    assert ctx["contextActivities"]["category"][0]["id"] == "https://w3id.org/xapi/video"
    assert initialized["verb"]["id"] == "http://adlnet.gov/expapi/verbs/initialized"

    # Skipping ahead counts nothing: the segment 40–70 never appears; watching to the end completes the lesson.
    with django_capture_on_commit_callbacks(execute=True):
        beat(member, lesson, 70.0, 45, "seek")
        for n in range(1, 4):
            beat(member, lesson, 70.0 + 10 * n, 45 + 10 * n)
        beat(member, lesson, 100.0, 85, "ended")
    assert verbs()[2:] == ["terminated"]  # not yet 90 % watched (70 s of 100)
    terminated = stored("terminated")[0]
    assert terminated["result"]["extensions"][EXT + "played-segments"] == "0[.]40[,]70[.]100"
    assert terminated["result"]["extensions"][EXT + "progress"] == 0.7

    with django_capture_on_commit_callbacks(execute=True):
        beat(member, lesson, 40.0, 90, "seek")
        for n in range(1, 4):
            beat(member, lesson, 40.0 + 10 * n, 90 + 10 * n)
    completed = [s for s in stored("completed") if s["object"]["id"] == video_iri]
    assert len(completed) == 1
    result = completed[0]["result"]
    assert result["completion"] is True and result["duration"].startswith("PT")
    assert result["extensions"][EXT + "progress"] == 1.0
    assert result["extensions"][EXT + "played-segments"] == "0[.]100"
    assert completed[0]["context"]["extensions"][EXT + "completion-threshold"] == 0.9
    # The lesson itself is completed too (ADL completed about the lesson).
    assert any(s["object"]["id"] == activity_iri("lesson", lesson.translation_key) for s in stored("completed"))


def test_plain_heartbeats_state_nothing(django_capture_on_commit_callbacks):
    member = MemberFactory()
    lesson = make_lesson(make_course(), rule="video", video=make_talk(duration=600.0))
    with django_capture_on_commit_callbacks(execute=True):
        beat(member, lesson, 0, 0, "seek")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(1, 20):
            beat(member, lesson, 5.0 * n, 5 * n)
    assert verbs() == ["initialized"]
