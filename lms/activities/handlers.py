"""Receivers of the organizational-life app (connected in ActivitiesConfig.ready())."""

from celery import current_app
from django.db import transaction
from django.utils import timezone

from .plans import BRANCH_KINDS, GROUP_KINDS

GENERATE_UNIT_TASK = "activities.generate_unit_plan"


def unit_saved(sender, instance, created: bool, **kwargs):
    """A new branch or party group gets this year's plan from the day it is created."""
    if not created or kwargs.get("raw") or instance.kind not in BRANCH_KINDS + GROUP_KINDS:
        return
    unit_id, today = instance.pk, timezone.localdate()
    transaction.on_commit(lambda: current_app.tasks[GENERATE_UNIT_TASK].delay(unit_id, today.isoformat()))
