"""Forwarding to an upstream LRS that fails and then recovers (a real HTTP server in its own process): nothing is
lost, nothing is stored upstream twice, and rows a dead worker held are sent after their lease."""

import base64
import datetime
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.utils import timezone

from lms.progress import services as progress
from lms.xapi import forwarding
from lms.xapi.models import ForwardedStatement, Statement
from tests.factories import MemberFactory, make_course, make_lesson

pytestmark = pytest.mark.django_db
FAKE = Path(__file__).with_name("fake_lrs.py")
KEY, SECRET = "upstream-key", "upstream-secret"
State = ForwardedStatement.State


def start_fake():
    auth = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    proc = subprocess.Popen([sys.executable, str(FAKE), "--auth", auth],
                            stdout=subprocess.PIPE, text=True)
    port = int(proc.stdout.readline())
    return proc, f"http://127.0.0.1:{port}"


def switch(base: str, state: str) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{base}/_{state}", method="POST", data=b""), timeout=10).close()


def upstream_log(base: str) -> dict:
    with urllib.request.urlopen(base + "/_log", timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def upstream(settings):
    procs = []

    def make():
        proc, base = start_fake()
        procs.append(proc)
        settings.LMS_XAPI_UPSTREAM_URL = base + "/xapi"
        settings.LMS_XAPI_UPSTREAM_KEY, settings.LMS_XAPI_UPSTREAM_SECRET = KEY, SECRET
        settings.LMS_XAPI_FORWARD_BATCH = 2  # several batches from a few statements
        return base

    yield make
    for proc in procs:
        proc.kill()
        proc.wait(timeout=10)


def learn(n: int, django_capture_on_commit_callbacks) -> set[str]:
    """A member completes n lessons of a course: statements stored in our LRS, queued for forwarding."""
    member = MemberFactory()
    course = make_course("党章学习", credit_hours="1")
    lessons = [make_lesson(course, f"第{i}课", credit_minutes=10) for i in range(n)]
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons:
            progress.complete_lesson(member, lesson)
    return {str(s) for s in Statement.objects.values_list("statement_id", flat=True)}


def rows():
    return {str(r.statement_id): r for r in ForwardedStatement.objects.all()}


def test_outage_then_recovery_loses_nothing_and_sends_nothing_twice(upstream, django_capture_on_commit_callbacks):
    base = upstream()
    switch(base, "down")
    ids = learn(3, django_capture_on_commit_callbacks)
    assert len(ids) >= 6  # lessons and course completed, hours earned
    # Every stored statement is in the outbox; the sends tried on commit met the outage and wait.
    assert set(rows()) == ids
    assert upstream_log(base)["stored"] == {}
    waiting = rows().values()
    assert all(r.state == State.PENDING and r.next_attempt_at > timezone.now() for r in waiting)
    assert any("503" in r.last_error for r in waiting)

    # Still down at the next try (after the backoff), then up: everything arrives, once.
    later = timezone.now() + datetime.timedelta(hours=2)
    assert forwarding.forward_due(now=later) == 0
    assert {r.state for r in rows().values()} == {State.PENDING}
    switch(base, "up")
    assert forwarding.forward_due(now=later + datetime.timedelta(hours=2)) == len(ids)
    assert {r.state for r in rows().values()} == {State.SENT}
    log = upstream_log(base)
    assert set(log["stored"]) == ids and set(log["stored"].values()) == {1}

    # Nothing due: no request at all.
    requests = len(log["requests"])
    assert forwarding.forward_due(now=later + datetime.timedelta(hours=4)) == 0
    assert len(upstream_log(base)["requests"]) == requests


def test_resending_what_the_upstream_already_holds_is_harmless(upstream, django_capture_on_commit_callbacks):
    base = upstream()
    ids = learn(2, django_capture_on_commit_callbacks)
    assert {r.state for r in rows().values()} == {State.SENT}
    # The send succeeded upstream but our marking was lost (a crash between the two): sent again.
    ForwardedStatement.objects.update(state=State.PENDING, next_attempt_at=timezone.now(), sent_at=None)
    forwarding.forward_due()
    assert {r.state for r in rows().values()} == {State.SENT}
    log = upstream_log(base)
    assert set(log["stored"]) == ids and set(log["stored"].values()) == {1}
    assert ["PUT", 204] in log["requests"]  # the refused batch went again one by one, idempotent by id


def test_a_dead_workers_batch_is_sent_after_its_lease(upstream, django_capture_on_commit_callbacks, settings):
    settings.LMS_XAPI_UPSTREAM_URL = ""  # statements stored while forwarding is off are not queued
    learn(1, django_capture_on_commit_callbacks)
    assert not ForwardedStatement.objects.exists()
    base = upstream()
    ids = [str(i) for i in Statement.objects.values_list("statement_id", flat=True)]
    forwarding.enqueue(ids)  # outside a transaction's commit hook capture: nothing is sent yet
    now = timezone.now()
    claimed = forwarding.claim(now)  # a worker takes a batch… and is killed before sending
    assert claimed
    sent_now = forwarding.forward_due(now=now)
    assert sent_now == len(ids) - len(claimed)  # the rest, not the dead worker's rows
    assert forwarding.forward_due(now=now + datetime.timedelta(seconds=forwarding.lease_seconds() + 1)) == len(claimed)
    log = upstream_log(base)
    assert set(log["stored"]) == set(ids) and set(log["stored"].values()) == {1}


def test_a_different_statement_upstream_under_our_id_is_marked_failed(upstream, settings,
                                                                      django_capture_on_commit_callbacks):
    settings.LMS_XAPI_UPSTREAM_URL = ""
    learn(1, django_capture_on_commit_callbacks)
    base = upstream()
    ids = sorted(str(i) for i in Statement.objects.values_list("statement_id", flat=True))
    # Another system already wrote a different statement under one of our ids.
    taken = Statement.objects.get(statement_id=ids[0]).data
    other = {k: v for k, v in taken.items() if k not in ("stored", "authority")}
    other["result"] = {"completion": False}
    auth = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    request = urllib.request.Request(f"{base}/xapi/statements?statementId={ids[0]}", method="PUT",
                                     data=json.dumps(other).encode(),
                                     headers={"Authorization": auth, "X-Experience-API-Version": "1.0.3"})
    urllib.request.urlopen(request, timeout=10).close()

    forwarding.enqueue(ids)
    forwarding.forward_due()
    states = {i: r.state for i, r in rows().items()}
    assert states.pop(ids[0]) == State.FAILED and set(states.values()) == {State.SENT}
    assert rows()[ids[0]].last_error.startswith("409")
    # A refused statement is not sent again.
    requests = len(upstream_log(base)["requests"])
    forwarding.forward_due(now=timezone.now() + datetime.timedelta(days=1))
    assert len(upstream_log(base)["requests"]) == requests
    assert upstream_log(base)["stored"] == {i: 1 for i in ids}


def test_an_unreachable_upstream_keeps_everything_pending(settings, django_capture_on_commit_callbacks):
    from tools.local_services import free_port

    settings.LMS_XAPI_UPSTREAM_URL = f"http://127.0.0.1:{free_port()}/xapi"  # nothing listens there
    settings.LMS_XAPI_UPSTREAM_TIMEOUT = 2
    ids = learn(1, django_capture_on_commit_callbacks)
    assert set(rows()) == ids
    assert all(r.state == State.PENDING and r.attempts == 1 and "no answer" in r.last_error
               for r in rows().values())
    assert forwarding.forward_due(now=timezone.now() + datetime.timedelta(hours=1)) == 0
    assert {r.attempts for r in rows().values()} == {2}


def test_beat_runs_the_forwarding_task_every_minute(settings):
    from celery import current_app

    entry = settings.CELERY_BEAT_SCHEDULE["xapi-forward"]
    assert entry == {"task": "xapi.forward", "schedule": 60.0}
    task = current_app.tasks["xapi.forward"]
    assert (task.queue, task.soft_time_limit, task.time_limit) == ("default", 240, 300)
    settings.LMS_XAPI_UPSTREAM_URL = ""
    assert task.delay().get() == 0  # off: nothing to do, no error
