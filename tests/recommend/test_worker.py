"""Debounced incremental recomputes with a real Celery worker (countdowns only a worker honours)."""

import time

import pytest

from lms.recommend.models import DirtyMember, FlushSchedule, Recommendation, RecomputeRun
from tests.factories import MemberFactory
from tests.live import Broker, celery_worker

from .conftest import complete, course_with_lesson

DEBOUNCE = 4


@pytest.fixture
def worker(tmp_path, settings):
    """A solo-pool worker on the test database and a private broker; this process publishes to that broker."""
    from kombu import pools

    from config.celery import app

    broker = Broker(tmp_path / "broker")
    old = (app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options)

    def reset_pools():  # connections made earlier carry the old broker
        pools.reset()  # kombu keeps a process-wide registry of pools; a closed one must not be handed out again
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.task_always_eager = False
    app.conf.broker_url, app.conf.broker_transport_options = broker.url, broker.transport_options
    reset_pools()
    with app.producer_or_acquire() as producer:  # never publish into the development queue
        assert producer.connection.transport_options == broker.transport_options
    settings.RECOMMEND_DEBOUNCE_SECONDS = DEBOUNCE
    log = tmp_path / "worker.log"
    try:
        with celery_worker(log, queue="default", broker=broker, name="recommend", ready=True) as proc:
            yield proc
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options = old
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
