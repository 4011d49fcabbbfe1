"""Recording what a SCO's runtime commits, and completing the lesson once every SCO of its package is done.

A commit replaces the member's data of that SCO (the runtime always sends its whole data model). A SCO counts
as done once it reports completed without a failure (1.2: lesson_status completed or passed; 2004:
completion_status completed with success_status passed or unknown), judged against the manifest's mastery
score / scaled passing score where it gives one, as the LMS side of SCORM must. Done is sticky: a later
session that reports less does not undo it. The member's result row is locked while deciding, so concurrent
commits complete the lesson (and credit the ledger, through lms.progress) exactly once.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Avg
from django.utils import timezone

from lms.catalog import completion

from . import cmi
from .models import ScormAttempt, ScormItem, ScormPackage, ScormResult

SCORM = completion.SCORM  # the completion rule's code (the catalog names it for the lesson's icon)


@dataclass
class Committed:
    attempt: ScormAttempt
    item_done: bool  # the SCO counts as done (now or before)
    lesson_completed: bool  # this commit completed the lesson


def _judge(item: ScormItem, reading: cmi.Reading, *, is_2004: bool) -> cmi.Reading:
    """Apply the manifest's pass mark to a reported score (the LMS decides success where one is given)."""
    if is_2004:
        if item.scaled_passing_score is not None and reading.score_scaled is not None:
            reading.success_status = "passed" if reading.score_scaled >= item.scaled_passing_score else "failed"
    elif item.mastery_score is not None and reading.score_raw is not None and reading.status in (
            "completed", "passed", "failed"):
        reading.status = reading.success_status = (
            "passed" if reading.score_raw >= item.mastery_score else "failed")
    return reading


def record_commit(item: ScormItem, member, data: dict[str, str], *, now=None) -> Committed:
    """Store a commit of the member's runtime for this SCO; raise cmi.CMIError when it is malformed."""
    now = now or timezone.now()
    package = item.package
    reading = _judge(item, cmi.read(data, is_2004=package.is_2004), is_2004=package.is_2004)
    done_now = cmi.is_completed(reading, is_2004=package.is_2004) and reading.success_status != "failed"
    with transaction.atomic():
        ScormAttempt.objects.get_or_create(item=item, member=member)
        attempt = ScormAttempt.objects.select_for_update().get(item=item, member=member)
        attempt.cmi = data
        attempt.status, attempt.success_status = reading.status, reading.success_status
        attempt.score_raw, attempt.score_min = reading.score_raw, reading.score_min
        attempt.score_max, attempt.score_scaled = reading.score_max, reading.score_scaled
        attempt.total_time = reading.total_time or attempt.total_time
        attempt.commits += 1
        if done_now and attempt.completed_at is None:
            attempt.completed_at = now
        attempt.save()
        item_done = attempt.completed_at is not None
        completed = _settle(package, member, now) if item_done else False
    return Committed(attempt, item_done, completed)


def _settle(package: ScormPackage, member, now) -> bool:
    """Complete the package (and its lesson) when every SCO is done; True only for the call that did it."""
    ScormResult.objects.get_or_create(package=package, member=member)
    result = ScormResult.objects.select_for_update().get(package=package, member=member)
    attempts = ScormAttempt.objects.filter(item__package=package, item__is_sco=True, member=member)
    sco_count = package.items.filter(is_sco=True).count()
    done = attempts.filter(completed_at__isnull=False)
    scaled = attempts.exclude(score_scaled=None).aggregate(avg=Avg("score_scaled"))["avg"]
    result.score_scaled = Decimal(scaled).quantize(Decimal("0.0001")) if scaled is not None else None
    if result.completed_at is None and done.count() >= sco_count:
        result.completed_at = now
    result.save()
    if result.completed_at is None:
        return False
    return _complete_lesson(package, member, now)


def _complete_lesson(package: ScormPackage, member, now) -> bool:
    from lms.catalog.models import LessonPage
    from lms.progress.services import complete_lesson

    lesson = package.lesson
    if lesson is None or not lesson.live or lesson.completion_rule != SCORM:
        return False
    # The SCO's results are reported by the member's browser: where the course requires an exam, the lesson
    # counts toward the course but its own hours come only through the exam-checked completion (as for H5P).
    course = lesson.course
    exam_required = course is not None and LessonPage.objects.child_of(course).live().filter(
        required=True, completion_rule=completion.QUIZ).exists()
    return complete_lesson(member, lesson, now=now, credit_hours=not exam_required)


def saved_data(item: ScormItem, member) -> dict:
    attempt = ScormAttempt.objects.filter(item=item, member=member).only("cmi").first()
    return attempt.cmi if attempt else {}


def item_states(package: ScormPackage, member) -> dict[int, str]:
    """{item id: "done" | "started"} for the member's SCOs of the package."""
    if member is None:
        return {}
    rows = ScormAttempt.objects.filter(item__package=package, member=member).values_list("item_id", "completed_at")
    return {item_id: "done" if done else "started" for item_id, done in rows}
