"""Debounced incremental recomputes with a real Celery worker (countdowns only a worker honours)."""

import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from lms.recommend.models import DirtyMember, FlushSchedule, Recommendation, RecomputeRun
from tests.factories import MemberFactory

from .conftest import complete, course_with_lesson

DEBOUNCE = 4


@pytest.fixture
def worker(tmp_path, settings):
    """A solo-pool worker on a private filesystem broker, reading this test's database file."""
    from config.celery import app

    queue, control = tmp_path / "celery" / "queue", tmp_path / "celery" / "control"
    queue.mkdir(parents=True)
    control.mkdir(parents=True)
    old = (app.conf.task_always_eager, app.conf.broker_transport_options)

    def reset_pools():  # connections made earlier carry the old folders
        from kombu import pools

        pools.reset()  # kombu keeps a process-wide registry of pools; a closed one must not be handed out again
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.task_always_eager = False
    app.conf.broker_transport_options = {**old[1], "data_folder_in": str(queue), "data_folder_out": str(queue),
                                         "control_folder": str(control)}
    reset_pools()
    with app.producer_or_acquire() as producer:  # never publish into the development queue
        assert producer.connection.transport_options["data_folder_out"] == str(queue)
    settings.RECOMMEND_DEBOUNCE_SECONDS = DEBOUNCE
    log = tmp_path / "worker.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "LMS_VAR_DIR": str(tmp_path),
           "LMS_TEST_DB": str(connection.settings_dict["NAME"]), "LMS_TEST_MEDIA": str(tmp_path / "media")}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.recommend.worker_main", "--pool=solo", "--queues=default",
             "--loglevel=INFO", "--without-mingle", "--without-gossip", "--without-heartbeat"],
            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while b"ready." not in log.read_bytes():
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "worker did not start:\n" + log.read_text()
            time.sleep(0.5)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        app.conf.task_always_eager, app.conf.broker_transport_options = old
        reset_pools()
        print(log.read_text()[-3000:])  # shown when the test fails


def wait_for(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_completions_is_recomputed_once_after_the_debounce(worker):
    courses = [course_with_lesson(f"课程{i}") for i in range(4)]
    peers = [MemberFactory() for _ in range(3)]
    for m in peers:
        for c in courses:
            complete(m, c)
    # The peers' completions were a burst too: wait for their flush and start from a clean slate.
    assert wait_for(lambda: RecomputeRun.objects.filter(status="done").exists(), timeout=15)
    assert RecomputeRun.objects.filter(kind="incremental").count() == 1
    RecomputeRun.objects.all().delete()

    a, b = MemberFactory(), MemberFactory()
    started = time.monotonic()
    complete(a, courses[0])
    complete(a, courses[1])
    complete(b, courses[2])
    complete(a, courses[3])
    assert FlushSchedule.objects.get(pk=1).due_at is not None
    assert DirtyMember.objects.count() == 2
    assert wait_for(lambda: RecomputeRun.objects.filter(status="done").exists())
    assert time.monotonic() - started >= DEBOUNCE - 1  # not before the countdown
    time.sleep(DEBOUNCE + 2)  # nothing else was scheduled
    runs = list(RecomputeRun.objects.all())
    assert [(r.kind, r.members, r.status) for r in runs] == [("incremental", 2, "done")]
    assert not DirtyMember.objects.exists() and FlushSchedule.objects.get(pk=1).due_at is None
    # Each sees what the peers completed, minus what they completed themselves.
    recs = set(Recommendation.objects.filter(member=b).values_list("course_id", flat=True))
    assert recs == {courses[0].pk, courses[1].pk, courses[3].pk}
    a_recs = set(Recommendation.objects.filter(member=a, section="for_you").values_list("course_id", flat=True))
    assert a_recs == {courses[2].pk}
