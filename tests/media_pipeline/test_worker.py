"""A real Celery worker process (filesystem broker, solo pool, media queue) against the test database.

1. A talk sent to the media queue is processed by the worker and ends ``ready``.
2. A worker killed with SIGKILL in the middle of transcribing leaves the talk recoverable: a newly
   started worker resumes the run, skipping the audio extraction that had already finished.
"""

import signal
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files import File
from kombu import Connection

from config.celery import app as celery_app
from content_library.models import Talk
from media_pipeline import pipeline
from media_pipeline.model_install import install
from media_pipeline.tasks import pipeline_chain
from tests.live import celery_worker

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WAIT = 180  # seconds; generous for a shared 2-core machine, but never unbounded


def transport_options(broker: Path) -> dict:
    return {"data_folder_in": str(broker / "queue"), "data_folder_out": str(broker / "queue"),
            "control_folder": str(broker / "control"), "store_processed": False}


@pytest.fixture
def broker(tmp_path):
    folder = tmp_path / "broker"
    for sub in ("queue", "control"):
        (folder / sub).mkdir(parents=True)
    return folder


def worker(broker: Path, log: Path, **extra_env):
    return celery_worker(log, queue="media", broker=broker, LMS_TEST_WORK_DIR=settings.MEDIA_PIPELINE_WORK_DIR,
                         **extra_env)


def send(talk_id: int, run_id: str, broker: Path) -> None:
    """Queue the pipeline chain on the test broker, as the web process would."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with Connection("filesystem://", transport_options=transport_options(broker)) as conn:
            pipeline_chain(talk_id, run_id).apply_async(connection=conn)
    finally:
        celery_app.conf.task_always_eager = eager


def wait_for(talk_id: int, statuses: set, proc, log: Path, timeout: float = WAIT) -> Talk:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        talk = Talk.objects.get(pk=talk_id)
        if talk.status in statuses:
            return talk
        if proc.poll() is not None:
            pytest.fail(f"worker exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.1)
    pytest.fail(f"talk {talk_id} still {talk.status} after {timeout}s:\n{log.read_text(errors='replace')[-3000:]}")


def new_talk(path: Path, title: str) -> tuple[Talk, str]:
    talk = Talk(title=title, language="zh")
    with path.open("rb") as fh:
        talk.source_file.save(path.name, File(fh, name=path.name), save=False)
    talk.save()
    return talk, pipeline.start_run(talk)


def test_worker_processes_talks_and_recovers_from_being_killed(tmp_path, broker, talks_dir, media_samples):
    install(settings.ASR_MODEL_DIR)
    log = tmp_path / "worker.log"

    with worker(broker, log) as proc:
        # 1. The worker takes the chain from the media queue and finishes the talk.
        short, run = new_talk(media_samples["short"], "短片")
        send(short.pk, run, broker)
        short = wait_for(short.pk, {Talk.Status.READY, Talk.Status.FAILED}, proc, log)
        assert short.status == Talk.Status.READY, short.error
        assert short.segments.count() >= 1 and short.captions and short.poster

        # 2. Kill the worker while it transcribes a longer talk.
        long, run = new_talk(talks_dir / "dev01_dangke.mp4", "党课")
        send(long.pk, run, broker)
        wait_for(long.pk, {Talk.Status.TRANSCRIBING}, proc, log)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    long.refresh_from_db()
    assert long.status == Talk.Status.TRANSCRIBING and long.pipeline_run == run  # not failed, not lost
    workdir = pipeline.run_dir(long.pk, run)
    assert (workdir / "audio.wav").exists() and not (workdir / "transcript.json").exists()
    assert long.segments.count() == 0

    # 3. A new worker resumes the interrupted run at once (the broker lost the unacknowledged message): its
    # owner's process is gone, so no stall timeout (5 min by default) and no beat are needed.
    started = time.monotonic()
    with worker(broker, log) as proc:
        while f"Resuming stalled processing of talk {long.pk}" not in log.read_text(errors="replace"):
            assert time.monotonic() - started < 60, "not resumed within a minute:\n" + log.read_text()[-3000:]
            assert proc.poll() is None, log.read_text()[-3000:]
            time.sleep(0.5)
        long = wait_for(long.pk, {Talk.Status.READY, Talk.Status.FAILED}, proc, log)
    assert long.status == Talk.Status.READY, long.error
    assert long.pipeline_run == run and long.segments.count() >= 7
    assert "audio already extracted" in log.read_text(errors="replace")
    assert not workdir.exists()
