"""Progress rules: heartbeats, minimum study time, lesson and course completion."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.catalog import access, completion
from lms.catalog.models import CoursePage, LessonPage
from lms.common.units import duration_words
from lms.org.models import Member
from lms.records import services as ledger

from . import signals
from .intervals import add_interval, covered
from .models import Enrollment, LessonProgress

# A player may run at up to 2× speed; a little slack absorbs network jitter.
# The ledger sources of this app (registered in ProgressConfig.ready()).
LEDGER_COURSE, LEDGER_LESSON = "course", "lesson"
MAX_PLAYBACK_RATE = 2.0
BEAT_SLACK_SECONDS = 3.0
# Beats further apart than this are a new viewing session, not continuous play.
MAX_BEAT_GAP_SECONDS = 120.0
# Time spent per beat is capped so an idle open tab does not accumulate time.
MAX_TIME_PER_BEAT = 60.0
VIDEO_COMPLETION_RATIO = 0.9


class ProgressError(ValueError):
    pass


@dataclass
class BeatResult:
    progress: LessonProgress
    counted_seconds: float
    completed_now: bool


class PageClosed(ProgressError):
    """The member may not open this course or lesson (lms.catalog.access)."""


def require_access(member, page) -> None:
    if not access.can_view(member.user, page):
        raise PageClosed(_("This course is not open to you."))


def enroll(member, course: CoursePage, source: str = Enrollment.Source.SELF) -> tuple[Enrollment, bool]:
    """Enroll; a member enrolling themselves must be able to open the course (assignments by HR are not
    checked here: the training plan decides those)."""
    if source == Enrollment.Source.SELF:
        require_access(member, course)
    return Enrollment.objects.get_or_create(member=member, course=course, defaults={"source": source})


def _progress_for_update(member, lesson) -> LessonProgress:
    # The row exists after the first beat: one locking read then (creating first only when it is missing).
    try:
        return LessonProgress.objects.select_for_update().get(member=member, lesson=lesson)
    except LessonProgress.DoesNotExist:
        LessonProgress.objects.get_or_create(member=member, lesson=lesson)
        return LessonProgress.objects.select_for_update().get(member=member, lesson=lesson)


def _newer_stream_elsewhere(member, lesson, started_at, now) -> bool:
    """Another lesson of the member is still beating and its run of beats began after this one's."""
    return (LessonProgress.objects.filter(member=member, stream_started_at__gt=started_at,
                                          last_beat_at__gte=now - datetime.timedelta(seconds=MAX_BEAT_GAP_SECONDS))
            .exclude(lesson=lesson).exists())


def record_heartbeat(member, lesson: LessonPage, position: float, *, event: str = "progress",
                     now: datetime.datetime | None = None, access_checked: bool = False) -> BeatResult:
    """Count the seconds played since the previous beat, if they could really have been played.

    Seeking ahead moves the baseline without counting; a jump larger than the
    wall-clock time since the previous beat allows is treated as a seek. ``access_checked``: the caller has
    just found the lesson among those the member's user may open (lms.catalog.access), so the check is not
    repeated (the player's beat is the most frequent request).
    """
    now = now or timezone.now()
    if not access_checked:
        require_access(member, lesson)
    try:
        position = float(position)
    except (TypeError, ValueError) as exc:
        raise ProgressError(_("Position must be a number of seconds.")) from exc
    if position < 0 or position != position:  # NaN check
        raise ProgressError(_("Position must be a non-negative number of seconds."))
    duration = lesson.video.duration if lesson.video_id and lesson.video else None
    if duration:
        position = min(position, float(duration))

    counted = 0.0
    with transaction.atomic():
        # One member's beats are taken one at a time, so two players cannot both see themselves as the newest.
        Member.objects.select_for_update().filter(pk=member.pk).first()
        lp = _progress_for_update(member, lesson)
        elapsed = (now - lp.last_beat_at).total_seconds() if lp.last_beat_at else None
        continuous = elapsed is not None and 0 <= elapsed <= MAX_BEAT_GAP_SECONDS
        if not continuous or lp.stream_started_at is None:
            lp.stream_started_at = now
        # Study time is credited on one lesson at a time: a lesson playing beside a newer stream earns nothing.
        continuous = continuous and not _newer_stream_elsewhere(member, lesson, lp.stream_started_at, now)
        if event in ("progress", "pause", "ended") and continuous and lp.last_position is not None:
            delta = position - lp.last_position
            if 0 < delta <= elapsed * MAX_PLAYBACK_RATE + BEAT_SLACK_SECONDS:
                before = lp.watched_seconds
                lp.watched = add_interval(lp.watched, lp.last_position, position)
                lp.watched_seconds = covered(lp.watched)
                counted = lp.watched_seconds - before
        if continuous:
            lp.time_spent_seconds += min(elapsed, MAX_TIME_PER_BEAT)
        lp.last_position = position
        lp.last_beat_at = now
        lp.save(update_fields=["watched", "watched_seconds", "last_position", "last_beat_at", "stream_started_at",
                               "time_spent_seconds", "updated_at"])
        if duration and (event in ("pause", "ended") or lp.stream_started_at == now):
            _announce_viewing(member.pk, lesson.pk, event, position, lp, now, float(duration))
        completed_now = False
        if (lesson.completion_rule == completion.VIDEO and duration
                and lp.watched_seconds >= VIDEO_COMPLETION_RATIO * float(duration) - 0.5):
            completed_now = complete_lesson(member, lesson, now=now)
    if completed_now:  # complete_lesson() set completed_at in the database; otherwise ``lp`` is current
        lp.refresh_from_db()
    return BeatResult(lp, counted, completed_now)


def _announce_viewing(member_id, lesson_id, event, position, lp, now, duration) -> None:
    kwargs = {"member_id": member_id, "lesson_id": lesson_id, "position": position, "at": now,
              "event": event if event in ("pause", "ended") else "started", "duration": duration,
              "session_started_at": lp.stream_started_at, "watched": [list(i) for i in lp.watched]}
    transaction.on_commit(lambda: signals.video_viewing.send(sender=LessonPage, **kwargs))


def confirm_lesson(member, lesson: LessonPage, *, now=None) -> LessonProgress:
    """Text/document lessons: the member confirms after the minimum study time."""
    now = now or timezone.now()
    require_access(member, lesson)
    if lesson.completion_rule != completion.CONFIRM:
        raise ProgressError(_("This lesson is completed by its own activity, not by confirming."))
    with transaction.atomic():
        lp = _progress_for_update(member, lesson)
        needed = lesson.estimated_minutes * 60
        if lp.completed_at is None and lp.time_spent_seconds + 1e-6 < needed:
            raise ProgressError(
                _("Please keep studying: %(left)s more before you can confirm.")
                % {"left": duration_words(needed - lp.time_spent_seconds)}
            )
        if lp.confirmed_at is None:
            lp.confirmed_at = now
            lp.save(update_fields=["confirmed_at", "updated_at"])
        complete_lesson(member, lesson, now=now)
    lp.refresh_from_db()
    return lp


def complete_lesson(member, lesson: LessonPage, *, now=None, credit_hours: bool = True) -> bool:
    """Mark the lesson complete once; returns True only for the call that completed it. ``credit_hours``
    False: the lesson counts toward the course but its own hours are not credited (a self-reported score)."""
    now = now or timezone.now()
    with transaction.atomic():
        LessonProgress.objects.get_or_create(member=member, lesson=lesson)
        won = LessonProgress.objects.filter(
            member=member, lesson=lesson, completed_at__isnull=True
        ).update(completed_at=now)
        if not won:
            return False
        if lesson.credit_minutes and credit_hours:
            ledger.credit(
                member, source=LEDGER_LESSON, reference=f"lesson:{lesson.pk}", title=lesson.title,
                hours=Decimal(lesson.credit_minutes) / Decimal(60), date=timezone.localdate(now),
            )
        member_id, lesson_id = member.pk, lesson.pk
        transaction.on_commit(
            lambda: signals.lesson_completed.send(sender=LessonPage, member_id=member_id, lesson_id=lesson_id)
        )
        course = lesson.course
        if course is not None:
            update_course_progress(member, course, now=now)
    return True


def update_course_progress(member, course: CoursePage, *, now=None) -> Enrollment:
    """Recompute the course percentage and complete it (crediting hours once) when all required lessons are done."""
    now = now or timezone.now()
    with transaction.atomic():
        # Bookkeeping of progress already made (access was checked where the member acted).
        enrollment, _created = Enrollment.objects.get_or_create(member=member, course=course)
        # Serialize completions of one member's course: two lessons finished at
        # the same moment must not both miss each other's completion.
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        required = course.required_lesson_ids()
        done = set(
            LessonProgress.objects.filter(member=member, lesson_id__in=required, completed_at__isnull=False)
            .values_list("lesson_id", flat=True)
        )
        percent = int(100 * len(done) / len(required)) if required else 0
        Enrollment.objects.filter(pk=enrollment.pk, completed_at__isnull=True).update(percent=percent)
        if required and len(done) == len(required):
            won = Enrollment.objects.filter(pk=enrollment.pk, completed_at__isnull=True).update(
                status=Enrollment.Status.COMPLETED, completed_at=now, percent=100
            )
            if won:
                ledger.credit(
                    member, source=LEDGER_COURSE, reference=f"course:{course.pk}", title=course.title,
                    hours=course.credit_hours, date=timezone.localdate(now),
                )
                member_id, course_id = member.pk, course.pk
                transaction.on_commit(lambda: signals.course_completed.send(
                    sender=CoursePage, member_id=member_id, course_id=course_id, completed_at=now))
        enrollment.refresh_from_db()
    return enrollment


def course_progress_map(member, courses) -> dict[int, Enrollment]:
    ids = [c.pk for c in courses]
    return {e.course_id: e for e in Enrollment.objects.filter(member=member, course_id__in=ids)}
