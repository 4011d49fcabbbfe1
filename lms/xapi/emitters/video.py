"""Video lessons in the xAPI Video Profile (https://w3id.org/xapi/video).

Statements are aggregated, not one per heartbeat: ``initialized`` when a viewing session begins (the first beat of
a run, lms.progress), ``paused`` when the player pauses, ``terminated`` when it reaches the end, and ``completed``
once, when the lesson completes (90 % watched). Each carries the session id and the video's length, and (except
``initialized``) the position, the progress and the played segments: the merged seconds the server counted for
the member, so a segment skipped by seeking never appears.
"""

from __future__ import annotations

import datetime

from django.utils.dateparse import parse_datetime

from lms.catalog.models import LessonPage
from lms.progress.models import LessonProgress

from . import (
    ADL,
    activity,
    context,
    course_context_activities,
    duration,
    page_activity,
    registration,
    statement,
    timestamp,
    verb,
)
from . import member as load_member

PROFILE = "https://w3id.org/xapi/video"
EXT = PROFILE + "/extensions/"
INITIALIZED = verb(ADL + "initialized", "开始观看", "initialized")
PAUSED = verb(PROFILE + "/verbs/paused", "暂停", "paused")
TERMINATED = verb(ADL + "terminated", "结束观看", "terminated")
COMPLETED = verb(ADL + "completed", "看完", "completed")
COMPLETION_THRESHOLD = 0.9  # lms.progress.services.VIDEO_COMPLETION_RATIO


def played_segments(watched) -> str:
    """The Video Profile's form: ``0[.]12.5[,]30[.]45``."""
    return "[,]".join(f"{_num(s)}[.]{_num(e)}" for s, e in sorted(watched or []))


def progress_of(watched, length: float) -> float:
    if not length:
        return 0.0
    seen = sum(max(0.0, float(e) - float(s)) for s, e in watched or [])
    return round(min(1.0, seen / float(length)), 3)


def _num(value) -> str:
    return f"{round(float(value), 3):g}"


def _moment(value) -> datetime.datetime | None:
    return parse_datetime(value) if isinstance(value, str) else value


def _video_object(lesson: LessonPage) -> dict:
    talk = lesson.video
    return activity("video", talk.pk, talk.title, language=lesson.locale.language_code)


def _context(lesson: LessonPage, session: str, length: float, extra: dict | None = None) -> dict:
    activities = {"parent": [page_activity("lesson", lesson)],
                  "category": [{"objectType": "Activity", "id": PROFILE,
                                "definition": {"type": "http://adlnet.gov/expapi/activities/profile"}}]}
    course = lesson.course
    if course is not None:
        course_parts = course_context_activities(course)
        activities["grouping"] = course_parts["parent"] + course_parts.get("grouping", [])
    extensions = {EXT + "session-id": session, EXT + "length": round(float(length), 3), **(extra or {})}
    return context(activities=activities, extensions=extensions, language=lesson.locale.language_code)


def _session(member_id: int, lesson_id: int, started) -> str:
    started = _moment(started)
    return registration(f"video-session:{member_id}:{lesson_id}:{timestamp(started) if started else ''}")


def viewing(member_id: int, lesson_id: int, event: str, position: float, session_started_at, at, watched,
            length: float) -> list[dict]:
    """A viewing session began (``started``), the player paused (``pause``) or reached the end (``ended``)."""
    member = load_member(member_id)
    lesson = LessonPage.objects.filter(pk=lesson_id).select_related("video", "locale").first()
    if member is None or lesson is None or lesson.video is None:
        return []
    at = _moment(at)
    session = _session(member_id, lesson_id, session_started_at)
    ctx = _context(lesson, session, length)
    if event == "started":
        return [statement(f"video-initialized:{member_id}:{lesson_id}:{session}", member, INITIALIZED,
                          _video_object(lesson), when=at, context_=ctx)]
    verb_, name = (PAUSED, "paused") if event == "pause" else (TERMINATED, "terminated")
    result = {"extensions": {EXT + "time": round(float(position), 3), EXT + "progress": progress_of(watched, length),
                             EXT + "played-segments": played_segments(watched)}}
    return [statement(f"video-{name}:{member_id}:{lesson_id}:{timestamp(at)}", member, verb_,
                      _video_object(lesson), when=at, result=result, context_=ctx)]


def completed(member, lesson: LessonPage, progress: LessonProgress) -> dict:
    """The Video Profile's ``completed``, stated once per member and lesson (with the lesson's completion)."""
    length = float(lesson.video.duration or 0)
    session = _session(member.pk, lesson.pk, progress.stream_started_at)
    result = {"completion": True, "duration": duration(progress.time_spent_seconds),
              "extensions": {EXT + "time": round(float(progress.last_position or 0), 3),
                             EXT + "progress": progress_of(progress.watched, length),
                             EXT + "played-segments": played_segments(progress.watched)}}
    ctx = _context(lesson, session, length, {EXT + "completion-threshold": COMPLETION_THRESHOLD})
    return statement(f"video-completed:{member.pk}:{lesson.pk}", member, COMPLETED, _video_object(lesson),
                     when=progress.completed_at, result=result, context_=ctx)
