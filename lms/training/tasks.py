"""Celery tasks of the training app: re-evaluation, reminders and escalation. Ids in, idempotent."""

from celery import shared_task
from django.utils.dateparse import parse_datetime

from .engine import complete_assignments, evaluate
from .models import TrainingPlan
from .reminders import run_reminders

QUEUE = "default"


@shared_task(name="training.evaluate_members", queue=QUEUE, soft_time_limit=600, time_limit=660)
def evaluate_members(member_ids: list[int]) -> dict:
    return evaluate(member_ids=member_ids).as_dict()


@shared_task(name="training.evaluate_plan", queue=QUEUE, soft_time_limit=1800, time_limit=1900)
def evaluate_plan(plan_id: int) -> dict:
    plan = TrainingPlan.objects.filter(pk=plan_id).first()
    if plan is None:
        return {}
    return evaluate(plans=[plan]).as_dict()


@shared_task(name="training.evaluate_all", queue=QUEUE, soft_time_limit=1800, time_limit=1900)
def evaluate_all() -> dict:
    """Nightly safety net: brings every current plan's assignments in line with the rules."""
    return evaluate().as_dict()


@shared_task(name="training.send_reminders", queue=QUEUE, soft_time_limit=1200, time_limit=1300)
def send_reminders() -> dict:
    """Daily: reminders before/at/after the due date, then escalation. Safe to run twice."""
    return run_reminders()


@shared_task(name="training.complete_course", queue=QUEUE, soft_time_limit=60, time_limit=90)
def complete_course(member_id: int, course_id: int, completed_at: str | None = None) -> int:
    """A member completed a course: their active assignments of it are completed."""
    return complete_assignments(member_id, course_id, parse_datetime(completed_at) if completed_at else None)
