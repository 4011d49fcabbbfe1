"""A real Celery worker process (solo pool, media queue) against the test database, on the run's broker (a
filesystem folder on the embedded default, Redis on the PostgreSQL run).

1. A talk sent to the media queue is processed by the worker and ends ``ready``.
2. A worker killed with SIGKILL in the middle of transcribing leaves the talk recoverable: a newly
   started worker resumes the run, skipping the audio extraction that had already finished (at once, from the
   dead owner's process id, whether or not the broker redelivers the message).
"""

import signal
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files import File

from content_library.models import Talk
from media_pipeline import pipeline
from media_pipeline.model_install import install
from media_pipeline.pipeline import pipeline_chain
from tests.live import Broker, celery_worker

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WAIT = 180  # seconds; generous for a shared 2-core machine, but never unbounded


@pytest.fixture
def broker(tmp_path):
    return Broker(tmp_path / "broker")


def worker(broker: Broker, log: Path, **extra_env):
    return celery_worker(log, queue="media", broker=broker, LMS_TEST_WORK_DIR=settings.MEDIA_PIPELINE_WORK_DIR,
                         **extra_env)


def send(talk_id: int, run_id: str, broker: Broker) -> None:
    """Queue the pipeline chain on the test broker, as the web process would."""
    broker.send(pipeline_chain(talk_id, run_id))


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

    # 3. A new worker resumes the interrupted run at once: its owner's process is gone, so no stall timeout
    # (5 min by default) and no beat are needed. (The filesystem broker has lost the unacknowledged message;
    # Redis still holds it until its visibility timeout — test_redelivery.py — and the steps are idempotent.)
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
