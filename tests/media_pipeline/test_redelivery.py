"""Celery on Redis loses no work: two real media workers share the queue; the one transcribing a talk is killed
with SIGKILL, Redis hands its unacknowledged message to the other after the visibility timeout (acks_late), and
the survivor finishes the talk — without the dead worker's process id, a worker start or beat to help it.

Production keeps the visibility timeout above the longest task (config/settings/production.py); here it is
15 s so the test ends in reasonable time. On the embedded run a private Redis is started for this test.
"""

import re
import signal
import time

import pytest
from django.conf import settings
from django.core.files import File

from content_library.models import Talk
from media_pipeline import pipeline
from media_pipeline.model_install import install
from media_pipeline.pipeline import pipeline_chain
from tests.live import Broker, celery_worker, redis_service

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

VISIBILITY = 15
WAIT = 240


def test_a_killed_workers_transcription_is_redelivered_to_the_other_worker(tmp_path, talks_dir):
    install(settings.ASR_MODEL_DIR)
    talk = Talk(title="党课", language="zh")
    path = talks_dir / "dev01_dangke.mp4"
    with path.open("rb") as fh:
        talk.source_file.save(path.name, File(fh, name=path.name), save=False)
    talk.save()
    run = pipeline.start_run(talk)

    logs = {name: tmp_path / f"{name}.log" for name in ("a", "b")}
    with redis_service(tmp_path / "redis") as url:
        broker = Broker(tmp_path / "broker", redis_url=url, visibility_timeout=VISIBILITY)
        extra = {"LMS_TEST_WORK_DIR": settings.MEDIA_PIPELINE_WORK_DIR}
        with celery_worker(logs["a"], queue="media", broker=broker, name="a", ready=True, **extra) as a, \
                celery_worker(logs["b"], queue="media", broker=broker, name="b", ready=True, **extra) as b:
            workers = {a.pid: (a, logs["a"]), b.pid: (b, logs["b"])}
            broker.send(pipeline_chain(talk.pk, run))

            deadline = time.monotonic() + WAIT
            while True:
                talk.refresh_from_db()
                if talk.status == Talk.Status.TRANSCRIBING and talk.pipeline_owner:
                    break
                assert talk.status not in (Talk.Status.READY, Talk.Status.FAILED), talk.error
                assert time.monotonic() < deadline, "never reached transcription"
                time.sleep(0.1)
            victim, victim_log = workers.pop(int(talk.pipeline_owner.rsplit("|", 1)[1]))
            (survivor, survivor_log), = workers.values()
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=10)
            killed_at = time.monotonic()

            while True:
                talk.refresh_from_db()
                if talk.status in (Talk.Status.READY, Talk.Status.FAILED):
                    break
                assert survivor.poll() is None, survivor_log.read_text(errors="replace")[-3000:]
                assert time.monotonic() - killed_at < WAIT, (
                    f"talk still {talk.status}:\n" + survivor_log.read_text(errors="replace")[-3000:])
                time.sleep(0.2)

    text = survivor_log.read_text(errors="replace")
    held = re.findall(r"Task media_pipeline\.transcribe\[([0-9a-f-]+)\] received",
                      victim_log.read_text(errors="replace"))
    assert talk.status == Talk.Status.READY, talk.error
    assert talk.pipeline_run == run and talk.segments.count() >= 7
    assert talk.pipeline_owner.rsplit("|", 1)[1] == str(survivor.pid)
    # The survivor got the very message the victim held, after the visibility timeout: not a resume.
    assert "Resuming stalled processing" not in text
    assert len(held) == 1 and f"Task media_pipeline.transcribe[{held[0]}] received" in text
    assert f"Task media_pipeline.transcribe[{held[0]}] succeeded" in text
    assert time.monotonic() - killed_at >= VISIBILITY - 1
