import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def _resume_on_worker_start(sender=None, **kwargs):
    """A (re)started worker picks up runs whose previous worker died mid-task."""
    from .ownership import celery_ping
    from .pipeline import resume_stalled

    try:
        resumed = resume_stalled(ping=celery_ping)
    except Exception:
        # Never keep a worker from starting (e.g. database not migrated yet); beat retries every 5 min.
        logger.exception("Could not resume stalled talk processing at worker start")
        return
    if resumed:
        logger.warning("Resumed processing of talks %s", resumed)


class MediaPipelineConfig(AppConfig):
    name = "media_pipeline"
    label = "media_pipeline"
    verbose_name = _("Media pipeline")

    def ready(self):
        from celery.signals import worker_ready

        from . import tasks  # noqa: F401  registers the Celery tasks, which pipeline.py sends by name

        worker_ready.connect(_resume_on_worker_start, dispatch_uid="media_pipeline.resume_on_worker_start", weak=False)
