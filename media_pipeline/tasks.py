"""Celery tasks of the media pipeline, all on the ``media`` queue.

Each task is one idempotent step of pipeline.py, called with ids only. Late
acknowledgement means a worker killed mid-task leaves the message to be
delivered again (AMQP/Redis); with brokers that lose unacknowledged messages
(the filesystem broker) ``resume_stalled`` re-queues runs whose heartbeat
stopped, and the steps skip the work whose results are already on disk.
"""

from celery import Task, current_app, shared_task
from django.utils.translation import gettext as _

from . import conf, ownership, pipeline
from .errors import TransientError

HOUR = 3600


class PipelineTask(Task):
    acks_late = True
    reject_on_worker_lost = True
    max_retries = None  # the limit is conf.max_retries(), checked in _run()

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Whatever escaped the step wrapper must not leave the talk in a processing status.
        if len(args) >= 2:
            pipeline.mark_failed(args[0], args[1], _("Processing failed: %(error)s") % {"error": exc})


def _run(task: Task, name: str, talk_id: int, run_id: str) -> str:
    pipeline.take_ownership(talk_id, run_id, ownership.owner_id(task.request.hostname))
    try:
        return pipeline.execute_step(name, talk_id, run_id)
    except TransientError as exc:
        attempt = task.request.retries + 1
        if attempt > conf.max_retries():
            pipeline.mark_failed(talk_id, run_id, pipeline.gave_up_reason(exc, attempt))
            return "failed"
        raise task.retry(exc=exc, countdown=conf.retry_backoff(attempt))


@shared_task(bind=True, base=PipelineTask, name="media_pipeline.probe", queue="media",
             soft_time_limit=3 * HOUR, time_limit=3 * HOUR + 120)
def probe(self, talk_id: int, run_id: str) -> str:
    return _run(self, "probe", talk_id, run_id)


@shared_task(bind=True, base=PipelineTask, name="media_pipeline.extract", queue="media",
             soft_time_limit=2 * HOUR, time_limit=2 * HOUR + 120)
def extract(self, talk_id: int, run_id: str) -> str:
    return _run(self, "extract", talk_id, run_id)


@shared_task(bind=True, base=PipelineTask, name="media_pipeline.transcribe", queue="media",
             soft_time_limit=8 * HOUR, time_limit=8 * HOUR + 300)
def transcribe(self, talk_id: int, run_id: str) -> str:
    return _run(self, "transcribe", talk_id, run_id)


@shared_task(bind=True, base=PipelineTask, name="media_pipeline.publish", queue="media",
             soft_time_limit=HOUR, time_limit=HOUR + 120)
def publish(self, talk_id: int, run_id: str) -> str:
    return _run(self, "publish", talk_id, run_id)


@shared_task(name="media_pipeline.resume_stalled", queue="media", soft_time_limit=300, time_limit=360)
def resume_stalled() -> list[int]:
    # Nodes on other hosts can be asked whether they live where the broker carries remote control (Redis).
    remote_control = not str(current_app.conf.broker_url).startswith("filesystem")
    return pipeline.resume_stalled(ping=ownership.celery_ping if remote_control else None)
