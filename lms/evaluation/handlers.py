"""Signal receivers (connected in ``EvaluationConfig.ready``)."""

from django.db import transaction

from . import services


def assignment_changed(sender, instance, raw=False, **kwargs):
    """A course survey attached, changed or removed: the course's survey lesson follows (added, or unpublished
    when no required survey is left), after the commit, by id."""
    if raw or not instance.course_id:
        return
    course_id = instance.course_id
    transaction.on_commit(lambda: services.sync_survey_lesson(course_id))
