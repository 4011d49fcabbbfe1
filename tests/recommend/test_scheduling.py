"""Nightly schedule and the debounce bookkeeping (the real-worker timing is in test_worker.py)."""

import datetime

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from lms.recommend import scheduling
from lms.recommend.bootstrap import PERIODIC_TASK_NAME, ensure_nightly_task
from lms.recommend.compute import recompute
from lms.recommend.models import DirtyMember, FlushSchedule, Recommendation, RecomputeRun
from lms.recommend.tasks import recompute_all
from tests.factories import MemberFactory

from .conftest import complete

pytestmark = pytest.mark.django_db


def test_nightly_task_exists_after_migrate_and_is_created_once():
    task = PeriodicTask.objects.get(name=PERIODIC_TASK_NAME)
    assert task.task == "recommend.recompute_all" and task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("2", "30")
    # An administrator's change survives later migrations.
    task.enabled = False
    task.save()
    again = ensure_nightly_task()
    assert again.pk == task.pk and not again.enabled
    assert PeriodicTask.objects.filter(task="recommend.recompute_all").count() == 1


def test_a_burst_schedules_one_flush_until_it_runs(member):
    assert scheduling.schedule_flush() is True
    due = FlushSchedule.objects.get(pk=1).due_at
    assert due > timezone.now()
    assert scheduling.schedule_flush() is False  # pending: later marks only mark
    scheduling.mark_dirty([member.pk])
    scheduling.mark_dirty([member.pk])
    assert DirtyMember.objects.filter(member=member).count() == 1
    assert FlushSchedule.objects.get(pk=1).due_at == due
    ids, cutoff = scheduling.claim_dirty()  # the flush starts: the next mark schedules again
    assert ids == [member.pk]
    assert FlushSchedule.objects.get(pk=1).due_at is None
    assert scheduling.schedule_flush() is True


def test_a_lost_flush_is_replaced_after_the_grace_period(member):
    FlushSchedule.objects.create(pk=1, due_at=timezone.now() - datetime.timedelta(
        seconds=scheduling.STALE_AFTER_SECONDS + scheduling.debounce_seconds() + 5))
    assert scheduling.schedule_flush() is True


def test_members_marked_again_during_a_flush_stay_dirty(member):
    other = MemberFactory()
    scheduling.mark_dirty([member.pk, other.pk])
    ids, cutoff = scheduling.claim_dirty()
    DirtyMember.objects.filter(member=other).update(marked_at=cutoff + datetime.timedelta(seconds=1))
    scheduling.release_dirty(ids, cutoff)
    assert list(DirtyMember.objects.values_list("member_id", flat=True)) == [other.pk]


def test_completion_triggers_one_incremental_recompute_of_that_member(world, django_capture_on_commit_callbacks):
    recompute()
    with django_capture_on_commit_callbacks(execute=True):
        complete(world.me, world.D, days_ago=0)
    runs = RecomputeRun.objects.filter(kind="incremental")
    assert [(r.members, r.status) for r in runs] == [(1, "done")]
    assert not DirtyMember.objects.exists() and FlushSchedule.objects.get(pk=1).due_at is None
    assert not Recommendation.objects.filter(member=world.me, course=world.D).exists()


def test_nightly_task_recomputes_everyone_and_clears_marks(world):
    scheduling.mark_dirty([world.me.pk])  # flush never ran (no commit in this test)
    old = RecomputeRun.objects.create(kind="incremental", status="done",
                                      started_at=timezone.now() - datetime.timedelta(days=40))
    result = recompute_all.delay().get()
    assert result["members"] == 14 and result["recommendations"] > 0
    assert not DirtyMember.objects.exists()
    assert not RecomputeRun.objects.filter(pk=old.pk).exists()  # history is kept for 30 days
    assert RecomputeRun.objects.get(pk=result["run"]).status == "done"


def test_a_failed_run_is_recorded(world, monkeypatch):
    from lms.recommend import compute

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(compute, "store", boom)
    with pytest.raises(RuntimeError):
        recompute()
    run = RecomputeRun.objects.get()
    assert run.status == "failed" and "disk full" in run.error and run.finished_at


def test_new_members_and_role_changes_are_recomputed_without_waiting_for_the_night(
        world, django_capture_on_commit_callbacks):
    recompute()
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = MemberFactory(org_unit=world.b1)
    assert Recommendation.objects.filter(member=newcomer, reason="peers").exists()
    with django_capture_on_commit_callbacks(execute=True):
        newcomer.set_roles({"member", "branch_secretary"})
    required = Recommendation.objects.filter(member=newcomer, section="required")
    assert set(required.values_list("course__title", flat=True)) == {"党章党规学习", "支部书记履职能力培训"}


def test_deleting_a_member_does_not_break_the_marks(member, django_capture_on_commit_callbacks):
    user = member.user
    with django_capture_on_commit_callbacks(execute=True):
        member.delete()  # its roles go with it (post_delete fires for each)
        user.delete()
    assert not DirtyMember.objects.exists()
