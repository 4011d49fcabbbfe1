import threading

import pytest
from django.db import connection

from lms.progress import services
from lms.progress.models import Enrollment
from lms.records.models import StudyHourEntry
from tests.factories import MemberFactory, make_course, make_lesson


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
def test_same_lesson_completed_by_concurrent_requests_credits_once():
    member = MemberFactory()
    course = make_course("并发课程", credit_hours="3")
    lesson = make_lesson(course, rule="confirm", credit_minutes=30)
    results = run_concurrently([lambda: services.complete_lesson(member, lesson) for _ in range(6)])
    assert results.count(True) == 1
    entries = StudyHourEntry.objects.filter(member=member).order_by("source")
    assert [(e.source, str(e.hours)) for e in entries] == [("course", "3.00"), ("lesson", "0.50")]


@pytest.mark.django_db(transaction=True)
def test_last_two_lessons_finished_at_once_complete_the_course_once():
    members = [MemberFactory() for _ in range(3)]
    course = make_course("两课并发", credit_hours="2")
    lessons = [make_lesson(course), make_lesson(course)]
    for member in members:
        run_concurrently([lambda m=member, les=les: services.complete_lesson(m, les) for les in lessons * 2])
        enrollment = Enrollment.objects.get(member=member, course=course)
        assert enrollment.status == "completed"
        assert StudyHourEntry.objects.filter(member=member, source="course").count() == 1
    assert StudyHourEntry.objects.count() == 3

