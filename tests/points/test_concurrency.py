"""Exactly-once credit and caps under concurrent requests (threads, each its own connection)."""

import threading

import pytest
from django.db import connection

from lms.points import services
from lms.points.models import PointEntry, PointRule, PointTotal
from tests.factories import MemberFactory

from .conftest import aware


def run_concurrently(funcs):
    barrier = threading.Barrier(len(funcs))
    results, errors = [None] * len(funcs), []

    def worker(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(funcs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_same_event_credited_once_under_concurrency():
    PointRule.objects.update(active=False)
    PointRule.objects.create(name="课", action="lesson", points=1)
    member = MemberFactory()
    when = aware(2026, 5, 20, 9)
    results = run_concurrently([lambda: services.credit(member.pk, "lesson", "lesson:7", when=when)
                                for _ in range(6)])
    assert sum(created for r in results for _e, created in r) == 1
    assert PointEntry.objects.filter(member=member).count() == 1
    assert PointTotal.objects.get(member=member, year=2026, month=0).points == 1


@pytest.mark.django_db(transaction=True)
def test_daily_cap_holds_under_concurrency():
    PointRule.objects.update(active=False)
    PointRule.objects.create(name="课", action="lesson", points=2, daily_cap=5)
    member = MemberFactory()
    when = aware(2026, 5, 20, 9)
    run_concurrently([lambda n=n: services.credit(member.pk, "lesson", f"lesson:{n}", when=when) for n in range(6)])
    points = sorted(PointEntry.objects.filter(member=member).values_list("points", flat=True))
    assert sum(points) == 5 and len(points) == 6
    assert points == [0, 0, 0, 1, 2, 2]
    assert PointTotal.objects.get(member=member, year=2026, month=5).points == 5


@pytest.mark.django_db(transaction=True)
def test_reversal_written_once_under_concurrency():
    PointRule.objects.update(active=False)
    PointRule.objects.create(name="活动", action="activity", points=3)
    member = MemberFactory()
    services.credit(member.pk, "activity", "activity:1", when=aware(2026, 5, 20, 9))
    run_concurrently([lambda: services.reverse_source(member.pk, "activity", "activity:1", reason="更正")
                      for _ in range(4)])
    assert sorted(PointEntry.objects.filter(member=member).values_list("points", flat=True)) == [-3, 3]
    assert PointTotal.objects.get(member=member, year=2026, month=0).points == 0
