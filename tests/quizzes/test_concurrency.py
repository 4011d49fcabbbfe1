import threading
from decimal import Decimal

import pytest
from django.db import connection

from lms.quizzes import services
from lms.quizzes.models import QuizAttempt
from lms.records.models import StudyHourEntry
from tests.factories import MemberFactory
from tests.quizzes.factories import correct_response, question, quiz


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_grade_once_and_credit_hours_once():
    q = question("single")
    qz = quiz([q], credit_hours=Decimal("2"))
    member = MemberFactory()
    attempt, _ = services.start_attempt(member, qz)
    services.save_answer(attempt, q.pk, correct_response(q))
    barrier = threading.Barrier(4)
    errors = []

    def submit():
        try:
            barrier.wait()
            services.submit_attempt(QuizAttempt.objects.get(pk=attempt.pk))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    attempt.refresh_from_db()
    assert attempt.status == "graded" and attempt.passed is True
    assert list(StudyHourEntry.objects.filter(member=member).values_list("source", "hours")) == [
        ("quiz", Decimal("2.00"))]


@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_open_a_single_attempt():
    qz = quiz([question("single")], max_attempts=1)
    member = MemberFactory()
    barrier = threading.Barrier(3)
    results, errors = [], []

    def start():
        try:
            barrier.wait()
            results.append(services.start_attempt(member, qz)[0].pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert QuizAttempt.objects.filter(member=member).count() == 1
    assert len(set(results)) == 1
