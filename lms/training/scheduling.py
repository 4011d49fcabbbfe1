"""Collect what needs re-evaluating during a transaction; evaluate once, after commit.

A member import touching thousands of members fires thousands of signals;
they only add ids to a per-thread set, and one on-commit callback enqueues
a few batched Celery tasks. Re-evaluating a member twice is harmless (the
engine is idempotent), so a callback lost with a rolled-back savepoint at
worst leaves ids for the next flush.
"""

import threading

from celery import current_app
from django.db import transaction

BATCH = 5000
# The tasks of tasks.py, sent by name: tasks.py imports the engine, which imports this module.
EVALUATE_PLAN_TASK = "training.evaluate_plan"
EVALUATE_MEMBERS_TASK = "training.evaluate_members"

_state = threading.local()


def _pending() -> tuple[set[int], set[int]]:
    if not hasattr(_state, "members"):
        _state.members = set()
        _state.plans = set()
    return _state.members, _state.plans


def schedule_members(member_ids) -> None:
    members, _plans = _pending()
    members.update(int(i) for i in member_ids if i is not None)
    transaction.on_commit(flush)


def schedule_plan(plan_id: int) -> None:
    _members, plans = _pending()
    plans.add(int(plan_id))
    transaction.on_commit(flush)


def _task(name: str):
    """The task of tasks.py registered as ``name`` (apps.ready imports tasks.py); honours task_always_eager."""
    return current_app.tasks[name]


def flush() -> None:
    members, plans = _pending()
    if not members and not plans:
        return
    member_ids, plan_ids = sorted(members), sorted(plans)
    members.clear()
    plans.clear()
    for plan_id in plan_ids:
        _task(EVALUATE_PLAN_TASK).delay(plan_id)
    for start in range(0, len(member_ids), BATCH):
        _task(EVALUATE_MEMBERS_TASK).delay(member_ids[start:start + BATCH])
