"""What a member has done, on the catalog's pages (contributors registered in lms.catalog.page_context)."""

import math

from lms.catalog import completion

from .models import Enrollment, LessonProgress
from .services import VIDEO_COMPLETION_RATIO, course_progress_map

# A lesson's state on the course page (lesson.state): finished, begun (a heartbeat or a visit recorded), or not.
DONE, IN_PROGRESS, NOT_STARTED = "done", "in_progress", "not_started"


def on_catalog(page, request, context: dict) -> None:
    member, courses = context.get("member"), context.get("courses", [])
    progress = course_progress_map(member, courses) if member else {}
    for course in courses:
        course.my_enrollment = progress.get(course.pk)


def on_course(course, request, context: dict) -> None:
    member, lessons = context.get("member"), context.get("lessons", [])
    rows: dict[int, LessonProgress] = {}
    if member:
        context["enrollment"] = Enrollment.objects.filter(member=member, course=course).first()
        rows = {lp.lesson_id: lp for lp in LessonProgress.objects.filter(member=member, lesson__in=lessons)}
    for lesson in lessons:
        lp = rows.get(lesson.pk)
        lesson.is_done = bool(lp and lp.completed_at)
        lesson.state = DONE if lesson.is_done else IN_PROGRESS if lp else NOT_STARTED


def on_lesson(lesson, request, context: dict) -> None:
    member = context.get("member")
    if not member:
        return
    lp = LessonProgress.objects.filter(member=member, lesson=lesson).first()
    context["progress"] = lp
    spent = lp.time_spent_seconds if lp else 0.0
    # Whole seconds still to study before the confirm button counts (the server judges again on confirm).
    context["remaining_seconds"] = max(0, math.ceil(context.get("min_seconds", 0) - spent - 1e-6))
    duration = lesson.video.duration if lesson.completion_rule == completion.VIDEO and lesson.video_id else None
    if duration:  # how much of the video counts so far, against the share that completes the lesson
        needed = VIDEO_COMPLETION_RATIO * float(duration)
        watched = lp.watched_seconds if lp else 0.0
        context.update({"watch_needed_seconds": math.ceil(needed), "watched_seconds": watched,
                        "watched_percent": min(100, int(100 * watched / needed))})
