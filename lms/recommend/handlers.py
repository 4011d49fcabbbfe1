"""Signal receivers (connected in ``RecommendConfig.ready``): new completions, assignment and role changes
and new members mark the member's recommendations stale; ``scheduling`` coalesces them into one recompute.
Org-unit moves are picked up by the nightly run."""

from django.db import transaction

from .scheduling import mark_dirty


def on_course_completed(sender, member_id, course_id, completed_at=None, **kwargs):
    # Sent by lms.progress after its transaction committed.
    mark_dirty([member_id])


def on_lesson_completed(sender, member_id, lesson_id, **kwargs):
    """A completed video lesson completes its talk (see ``compute``); other lessons change nothing here."""
    from lms.catalog.models import LessonPage

    if LessonPage.objects.filter(pk=lesson_id, video__isnull=False).exists():
        mark_dirty([member_id])


def on_attempt_finished(sender, attempt_id, member_id, quiz_id, passed=None, **kwargs):
    """A graded quiz or exam attempt may make or clear a weak topic (``weak_topics``). Sent by lms.quizzes after
    its transaction committed, so the member is marked at once."""
    mark_dirty([member_id])


def on_assignment_changed(sender, instance, raw=False, **kwargs):
    """Assigned, completed or withdrawn: the member's required section changes."""
    if raw:
        return
    member_id = instance.member_id
    transaction.on_commit(lambda: mark_dirty([member_id]))


def on_member_created(sender, instance, created=False, raw=False, **kwargs):
    """A new member gets cold-start recommendations without waiting for the night."""
    if created and not raw:
        member_id = instance.pk
        transaction.on_commit(lambda: mark_dirty([member_id]))


def on_role_changed(sender, instance, raw=False, **kwargs):
    """Roles decide the peer group and which role-required courses apply."""
    if raw:
        return
    member_id = instance.member_id
    transaction.on_commit(lambda: mark_dirty([member_id]))
