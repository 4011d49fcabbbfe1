"""From the other apps' events to points: what each source event is, its key (the same ``kind:id`` the study-hour
ledger uses), its title and its day. Called by the tasks with ids; reads the source rows again, so what counts is
what the server recorded, never a figure the client sent."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from lms.activities.models import Activity, Attendance
from lms.catalog.models import CoursePage, LessonPage
from lms.quizzes.models import Quiz, QuizAttempt
from lms.records.models import StudyHourEntry

from . import services
from .models import Action

# Lessons whose completion the browser reports (an H5P score) earn no points: the server cannot check it.
CLIENT_REPORTED_RULES = {"h5p"}
# Study-hour ledger sources whose reversal takes the points of the same event back.
LEDGER_ACTIONS = {"lesson": Action.LESSON, "course": Action.COURSE, "quiz": Action.QUIZ,
                  "activity": Action.ACTIVITY}
TALK_END_SLACK_SECONDS = 2.0


def lesson_completed(member_id: int, lesson_id: int, at: datetime.datetime) -> list:
    lesson = LessonPage.objects.filter(pk=lesson_id).only("title", "completion_rule").first()
    if lesson is None or lesson.completion_rule in CLIENT_REPORTED_RULES:
        return []
    return services.credit(member_id, Action.LESSON, f"lesson:{lesson_id}", title=lesson.title, when=at)


def course_completed(member_id: int, course_id: int, at: datetime.datetime) -> list:
    course = CoursePage.objects.filter(pk=course_id).only("title").first()
    if course is None:
        return []
    return services.credit(member_id, Action.COURSE, f"course:{course_id}", title=course.title, when=at)


def attempt_finished(attempt_id: int) -> list:
    attempt = QuizAttempt.objects.select_related("quiz").filter(pk=attempt_id).first()
    if attempt is None or attempt.status != QuizAttempt.Status.GRADED:
        return []
    quiz, at = attempt.quiz, attempt.graded_at or attempt.submitted_at
    out = []
    if attempt.passed:
        out += services.credit(attempt.member_id, Action.QUIZ, f"quiz:{quiz.pk}", title=quiz.title, when=at)
    if quiz.kind == Quiz.Kind.EXAM and attempt.max_score and attempt.score is not None:
        percent = int((Decimal(attempt.score) * 100 / Decimal(attempt.max_score)).to_integral_value(
            rounding="ROUND_FLOOR"))
        out += services.credit(attempt.member_id, Action.EXAM, f"exam:{quiz.pk}", title=quiz.title, when=at,
                               percent=percent)
    return out


def sync_attendance(attendance_id: int) -> list:
    """Make the points of an attendance agree with it: attended (lms.activities ``Attendance.attended``) and no
    standing credit → credit (a fresh key after an earlier reversal); not attended and a standing credit →
    reverse it."""
    att = Attendance.objects.select_related("activity").filter(pk=attendance_id).first()
    if att is None:
        return []
    activity = att.activity
    key = f"activity:{activity.pk}"
    standing = services.live_credits(att.member_id, Action.ACTIVITY, key).exists()
    if att.attended and activity.status != Activity.Status.CANCELLED:
        if standing:
            return []
        return services.credit(att.member_id, Action.ACTIVITY,
                               services.recredit_key(att.member_id, Action.ACTIVITY, key),
                               title=activity.title, when=activity.starts_at)
    if standing:
        return services.reverse_source(att.member_id, Action.ACTIVITY, key,
                                       reason=_("Attendance corrected to “%(status)s”.") % {
                                           "status": att.get_status_display()})
    return []


def ledger_reversed(entry_id: int) -> list:
    """A study-hour credit was reversed (a correction by HR): the points of the same event go too."""
    reversal = StudyHourEntry.objects.select_related("reverses").filter(pk=entry_id).first()
    if reversal is None or reversal.reverses is None:
        return []
    original = reversal.reverses
    action = LEDGER_ACTIONS.get(original.source)
    if action is None or not original.reference:
        return []
    key = original.reference.split("#", 1)[0]
    return services.reverse_source(original.member_id, action, key,
                                   reason=reversal.reason or _("Study hours reversed."))


def lesson_progress_saved(progress_id: int, member_id: int, lesson_id: int, total_seconds: float,
                          watched_seconds: float, at: datetime.datetime) -> list:
    """After a heartbeat: the day's verified study time, and a lesson video (a talk) watched to the end."""
    out = services.record_study(progress_id, member_id, total_seconds, at)
    video = (LessonPage.objects.filter(pk=lesson_id, video__isnull=False)
             .values_list("video_id", "video__duration", "video__title").first())
    if video and video[1]:
        talk_id, duration, title = video
        if watched_seconds >= float(duration) - TALK_END_SLACK_SECONDS:
            key = f"talk:{talk_id}"
            if not services.live_credits(member_id, Action.TALK, key).exists():
                out += services.credit(member_id, Action.TALK, key, title=title, when=at)
    return out

