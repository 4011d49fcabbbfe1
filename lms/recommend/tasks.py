"""Celery tasks: the nightly full recompute and the debounced incremental flush. Ids in, idempotent."""

import datetime

from celery import Task, shared_task
from django.utils import timezone

from .models import DirtyMember, RecomputeRun
from .scheduling import claim_dirty, release_dirty

QUEUE = "default"
RUN_HISTORY_DAYS = 30


class RecomputeTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """A run killed by its hard time limit never reached its own error handling: close it here."""
        RecomputeRun.objects.filter(task_id=task_id, status=RecomputeRun.Status.RUNNING).update(
            status=RecomputeRun.Status.FAILED, finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:4000])


@shared_task(bind=True, base=RecomputeTask, name="recommend.recompute_all", queue=QUEUE,
             soft_time_limit=3000, time_limit=3300)
def recompute_all(self) -> dict:
    """Nightly: every active member, item neighbourhoods and content similarity rebuilt."""
    from .compute import recompute  # scipy and the catalogue/library models: only the worker needs them

    started = timezone.now()
    run = recompute(None, task_id=self.request.id or "")
    # Everything marked before the run started is covered by it.
    DirtyMember.objects.filter(marked_at__lte=started).delete()
    RecomputeRun.objects.filter(started_at__lt=started - datetime.timedelta(days=RUN_HISTORY_DAYS)).delete()
    return {"run": run.pk, "members": run.members, "recommendations": run.recommendations}


@shared_task(bind=True, base=RecomputeTask, name="recommend.flush_dirty", queue=QUEUE,
             soft_time_limit=600, time_limit=660)
def flush_dirty(self) -> dict:
    """Recompute the members marked dirty since the last flush (see ``scheduling``)."""
    from .compute import recompute  # scipy and the catalogue/library models: only the worker needs them

    member_ids, cutoff = claim_dirty()
    if not member_ids:
        return {"members": 0}
    run = recompute(member_ids, task_id=self.request.id or "")
    release_dirty(member_ids, cutoff)
    return {"run": run.pk, "members": run.members, "recommendations": run.recommendations}
