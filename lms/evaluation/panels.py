"""Panels in other apps' slots (lms.common.slots): the survey on the course page and in its survey lesson, and
the member's pending surveys on 我的学习."""

from __future__ import annotations

from lms.catalog.models import CoursePage, LessonPage
from lms.org.scope import member_of

from . import services


def _viewer(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    member = context.get("member") or (member_of(user) if user is not None else None)
    return user, member


def _course_context(context, course: CoursePage | None, *, in_lesson: bool = False) -> dict | None:
    user, member = _viewer(context)
    if member is None or course is None:
        return None
    states = services.course_states(member, course, user=user)
    if not states:
        return None
    return {"states": states, "csrf_token": context.get("csrf_token"), "in_lesson": in_lesson,
            "next": getattr(context.get("request"), "path", "")}


def course_panel(context) -> dict | None:
    page = context.get("page")
    return _course_context(context, page) if isinstance(page, CoursePage) else None


def lesson_panel(context) -> dict | None:
    page = context.get("page")
    if not isinstance(page, LessonPage) or page.completion_rule != services.SURVEY:
        return None
    return _course_context(context, page.course, in_lesson=True)


def pending_panel(context) -> dict | None:
    user, member = _viewer(context)
    if member is None:
        return None
    pending = services.pending_for(member, user=user)
    return {"pending": pending} if pending else None
