"""Lessons and courses completed (ADL ``completed``); a video lesson's completion also states the Video Profile's
``completed`` about its video (lms.xapi.emitters.video)."""

from __future__ import annotations

from lms.catalog import completion
from lms.catalog.models import CoursePage, LessonPage
from lms.progress.models import Enrollment, LessonProgress

from . import ADL, context, course_context_activities, duration, page_activity, statement, verb, video
from . import member as load_member

COMPLETED = verb(ADL + "completed", "完成", "completed")


def lesson_completed(member_id: int, lesson_id: int) -> list[dict]:
    member = load_member(member_id)
    lesson = LessonPage.objects.filter(pk=lesson_id).select_related("video", "locale").first()
    progress = LessonProgress.objects.filter(member_id=member_id, lesson_id=lesson_id).first()
    if member is None or lesson is None or progress is None or progress.completed_at is None:
        return []
    course = lesson.course
    parents = course_context_activities(course) if isinstance(course, CoursePage) else None
    result = {"completion": True, "duration": duration(progress.time_spent_seconds)}
    language = lesson.locale.language_code
    out = [statement(f"lesson-completed:{member_id}:{lesson_id}", member, COMPLETED,
                     page_activity("lesson", lesson), when=progress.completed_at, result=result,
                     context_=context(activities=parents, language=language))]
    if lesson.completion_rule == completion.VIDEO and lesson.video_id and lesson.video:
        out.append(video.completed(member, lesson, progress))
    return out


def course_completed(member_id: int, course_id: int) -> list[dict]:
    member = load_member(member_id)
    course = CoursePage.objects.filter(pk=course_id).select_related("locale").first()
    enrollment = Enrollment.objects.filter(member_id=member_id, course_id=course_id).first()
    if member is None or course is None or enrollment is None or enrollment.completed_at is None:
        return []
    grouping = course_context_activities(course).get("grouping")
    result = {"completion": True}
    if enrollment.enrolled_at and enrollment.completed_at >= enrollment.enrolled_at:
        result["duration"] = duration((enrollment.completed_at - enrollment.enrolled_at).total_seconds())
    return [statement(f"course-completed:{member_id}:{course_id}", member, COMPLETED,
                      page_activity("course", course), when=enrollment.completed_at, result=result,
                      context_=context(activities={"grouping": grouping} if grouping else None,
                                       language=course.locale.language_code))]

