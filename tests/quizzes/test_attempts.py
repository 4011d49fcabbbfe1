import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from lms.catalog import completion
from lms.progress.models import Enrollment, LessonProgress
from lms.quizzes import services
from lms.quizzes.models import DrawRule, Quiz, QuizAttempt
from lms.quizzes.tasks import finalize_expired_attempts
from lms.records.models import StudyHourEntry
from tests.factories import MemberFactory, make_course, make_lesson
from tests.quizzes.factories import correct_response, question, quiz

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _answer_all(attempt, *, now, wrong=()):
    for answer in attempt.answers.select_related("question"):
        data = correct_response(answer.question)
        if answer.question_id in wrong:
            data = {"choices": []} if answer.question.is_choice else {"value": not answer.question.correct_true}
        services.save_answer(attempt, answer.question_id, data, now=now)


def test_fixed_questions_plus_random_draw_per_category_and_difficulty():
    fixed = question("true_false", "固定题", correct_true=True)
    easy = [question("single", f"党章易{i}", cat="党章", difficulty=1) for i in range(5)]
    hard = [question("single", f"党章难{i}", cat="党章", difficulty=3) for i in range(3)]
    [question("single", f"廉洁{i}", cat="廉洁") for i in range(4)]
    question("single", "停用题", cat="党章", difficulty=1, active=False)
    qz = quiz([fixed])
    DrawRule.objects.create(quiz=qz, category=easy[0].category, difficulty=1, count=2, sort_order=0)
    DrawRule.objects.create(quiz=qz, category=hard[0].category, difficulty=3, count=3, points=Decimal("2"),
                            sort_order=1)
    attempt, created = services.start_attempt(MemberFactory(), qz, now=T0, rng=random.Random(1))
    assert created
    drawn = list(attempt.answers.select_related("question"))
    texts = [a.question.text for a in drawn]
    assert texts[0] == "固定题"
    assert len([t for t in texts if t.startswith("党章易")]) == 2
    assert sorted(t for t in texts if t.startswith("党章难")) == ["党章难0", "党章难1", "党章难2"]
    assert "停用题" not in texts and not any(t.startswith("廉洁") for t in texts)
    assert attempt.max_score == Decimal("1") + 2 * Decimal("1") + 3 * Decimal("2")


def test_draw_refuses_when_the_bank_is_too_small():
    question("single", "唯一一题", cat="党史")
    qz = quiz()
    DrawRule.objects.create(quiz=qz, category=question("single", "x", cat="党史").category, count=3)
    with pytest.raises(services.QuizError, match="2"):
        services.start_attempt(MemberFactory(), qz, now=T0)
    assert not QuizAttempt.objects.exists()


def test_questions_and_options_are_shuffled_per_attempt():
    qs = [question("single", f"题{i}") for i in range(8)]
    qz = quiz(qs, shuffle_questions=True, shuffle_options=True)
    member = MemberFactory()
    orders = set()
    for seed in range(4):
        attempt, _ = services.start_attempt(member, qz, now=T0, rng=random.Random(seed))
        answers = list(attempt.answers.order_by("position"))
        orders.add(tuple(a.question_id for a in answers))
        for a in answers:
            assert sorted(a.option_order) == sorted(a.question.choices.values_list("pk", flat=True))
        services.submit_attempt(attempt, now=T0)
    assert len(orders) > 1


def test_in_progress_attempt_is_resumed_and_answers_survive():
    q = question("single")
    qz = quiz([q])
    member = MemberFactory()
    first, created = services.start_attempt(member, qz, now=T0)
    services.save_answer(first, q.pk, correct_response(q), now=T0)
    again, created_again = services.start_attempt(member, qz, now=T0 + datetime.timedelta(minutes=1))
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert again.answers.get().response == correct_response(q)


def test_attempt_limit():
    q = question("single")
    qz = quiz([q], max_attempts=2)
    member = MemberFactory()
    for _i in range(2):
        attempt, _ = services.start_attempt(member, qz, now=T0)
        services.submit_attempt(attempt, now=T0)
    with pytest.raises(services.QuizError, match="2"):
        services.start_attempt(member, qz, now=T0)
    assert QuizAttempt.objects.filter(member=member).count() == 2
    assert services.attempts_left(member, qz) == 0
    # Another member still has their own attempts.
    services.start_attempt(MemberFactory(), qz, now=T0)


def test_time_limit_is_enforced_by_the_server():
    q1, q2 = question("single", "一"), question("true_false", "二", correct_true=True)
    qz = quiz([q1, q2], time_limit_minutes=10, pass_percent=50)
    member = MemberFactory()
    attempt, _ = services.start_attempt(member, qz, now=T0)
    assert attempt.deadline == T0 + datetime.timedelta(minutes=10)
    services.save_answer(attempt, q1.pk, correct_response(q1), now=T0 + datetime.timedelta(minutes=9))
    late = T0 + datetime.timedelta(minutes=10, seconds=30)
    with pytest.raises(services.TimeUp):
        services.save_answer(attempt, q2.pk, correct_response(q2), now=late)
    attempt.refresh_from_db()
    # The late save closed the attempt; only the answer saved in time counts.
    assert attempt.status == QuizAttempt.Status.GRADED
    assert attempt.submitted_late is True
    assert attempt.score == Decimal("1")
    assert attempt.answers.get(question=q2).response is None
    assert attempt.duration_seconds == 600


def test_late_submission_grades_only_answers_saved_in_time():
    q1, q2 = question("single", "一"), question("single", "二")
    qz = quiz([q1, q2], time_limit_minutes=5)
    attempt, _ = services.start_attempt(MemberFactory(), qz, now=T0)
    services.save_answer(attempt, q1.pk, correct_response(q1), now=T0 + datetime.timedelta(minutes=4))
    # Simulate an answer written after the deadline by other means: it must not count.
    attempt.answers.filter(question=q2).update(response=correct_response(q2),
                                               saved_at=T0 + datetime.timedelta(minutes=7))
    services.submit_attempt(attempt, now=T0 + datetime.timedelta(minutes=8))
    attempt.refresh_from_db()
    assert attempt.submitted_late
    assert attempt.score == Decimal("1")
    assert attempt.passed is False  # 50% < 60%


def test_expired_attempts_are_submitted_by_the_periodic_task(settings):
    q = question("single")
    qz = quiz([q], time_limit_minutes=1)
    attempt, _ = services.start_attempt(MemberFactory(), qz, now=timezone.now() - datetime.timedelta(minutes=5))
    services.QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=4))
    assert finalize_expired_attempts.delay().get() == 1
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.GRADED and attempt.score == 0


def test_passing_completes_the_quiz_lesson_and_credits_hours_exactly_once():
    course = make_course("党章党规学习", credit_hours="2")
    lesson = make_lesson(course, rule=completion.QUIZ, credit_minutes=30)
    q1, q2 = question("single", "一"), question("true_false", "二", correct_true=True)
    qz = quiz([q1, q2], lesson=lesson, credit_hours=Decimal("1.5"), pass_percent=100)
    member = MemberFactory()

    failed, _ = services.start_attempt(member, qz, now=T0)
    _answer_all(failed, now=T0, wrong={q2.pk})
    services.submit_attempt(failed, now=T0)
    failed.refresh_from_db()
    assert failed.passed is False
    assert not StudyHourEntry.objects.filter(member=member).exists()
    assert not LessonProgress.objects.filter(member=member, completed_at__isnull=False).exists()

    for _i in range(2):  # pass twice
        attempt, _ = services.start_attempt(member, qz, now=T0)
        _answer_all(attempt, now=T0)
        services.submit_attempt(attempt, now=T0)
        services.submit_attempt(attempt, now=T0)  # a repeated submit changes nothing
        attempt.refresh_from_db()
        assert attempt.passed is True and attempt.score == attempt.max_score == Decimal("2")
    quiz_entries = StudyHourEntry.objects.filter(member=member, source="quiz")
    assert [(e.reference, e.hours) for e in quiz_entries] == [(f"quiz:{qz.pk}", Decimal("1.50"))]
    assert LessonProgress.objects.get(member=member, lesson=lesson).completed_at is not None
    # The only required lesson is done, so the course completed and credited its hours once too.
    assert Enrollment.objects.get(member=member, course=course).status == Enrollment.Status.COMPLETED
    assert StudyHourEntry.objects.filter(member=member, source="course").count() == 1
    assert StudyHourEntry.objects.filter(member=member, source="lesson").count() == 1


def test_quiz_on_a_lesson_with_another_rule_does_not_complete_it():
    lesson = make_lesson(make_course(), rule=completion.CONFIRM)
    q = question("single")
    qz = quiz([q], lesson=lesson)
    member = MemberFactory()
    attempt, _ = services.start_attempt(member, qz, now=T0)
    _answer_all(attempt, now=T0)
    services.submit_attempt(attempt, now=T0)
    assert not LessonProgress.objects.filter(member=member, completed_at__isnull=False).exists()


def test_short_answers_wait_for_a_trainer_then_the_attempt_passes():
    q1, q2 = question("single", "一"), question("short_answer", "简述三会一课", points="4")
    qz = quiz([q1, q2], credit_hours=Decimal("1"), pass_percent=60)
    member = MemberFactory()
    attempt, _ = services.start_attempt(member, qz, now=T0)
    _answer_all(attempt, now=T0)
    services.submit_attempt(attempt, now=T0)
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.PENDING_REVIEW
    assert attempt.score is None and attempt.passed is None
    assert not StudyHourEntry.objects.filter(member=member).exists()
    short = attempt.answers.get(question=q2)
    with pytest.raises(services.QuizError):
        services.grade_short_answer(short, score="5")  # above the question's points
    services.grade_short_answer(short, score="3", feedback="要点基本完整")
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.GRADED
    assert attempt.score == Decimal("4") and attempt.max_score == Decimal("5")
    assert attempt.passed is True
    assert StudyHourEntry.objects.get(member=member, source="quiz").hours == Decimal("1.00")
    with pytest.raises(services.QuizError):
        services.grade_short_answer(short, score="4")  # no longer waiting


def test_closed_and_not_yet_open_quizzes_refuse_new_attempts():
    q = question("single")
    member = MemberFactory()
    later = quiz([q], opens_at=T0 + datetime.timedelta(days=1))
    with pytest.raises(services.QuizError):
        services.start_attempt(member, later, now=T0)
    closed = quiz([q], closes_at=T0 - datetime.timedelta(minutes=1))
    with pytest.raises(services.QuizError):
        services.start_attempt(member, closed, now=T0)
    # The deadline never runs past the closing time.
    closing = quiz([q], time_limit_minutes=60, closes_at=T0 + datetime.timedelta(minutes=20))
    attempt, _ = services.start_attempt(member, closing, now=T0)
    assert attempt.deadline == T0 + datetime.timedelta(minutes=20)


@pytest.mark.parametrize("policy,shown_after_fail,shown_after_pass", [
    (Quiz.ShowAnswers.AFTER_SUBMIT, True, True),
    (Quiz.ShowAnswers.AFTER_FINAL, False, True),
    (Quiz.ShowAnswers.NEVER, False, False),
])
def test_when_answers_are_shown(policy, shown_after_fail, shown_after_pass):
    q = question("true_false", correct_true=True)
    qz = quiz([q], show_answers=policy, max_attempts=3)
    member = MemberFactory()
    attempt, _ = services.start_attempt(member, qz, now=T0)
    assert services.can_show_answers(attempt, now=T0) is False  # never while in progress
    services.save_answer(attempt, q.pk, {"value": False}, now=T0)
    services.submit_attempt(attempt, now=T0)
    assert services.can_show_answers(attempt, now=T0) is shown_after_fail
    second, _ = services.start_attempt(member, qz, now=T0)
    services.save_answer(second, q.pk, {"value": True}, now=T0)
    services.submit_attempt(second, now=T0)
    assert services.can_show_answers(second, now=T0) is shown_after_pass


def test_a_quiz_on_an_unpublished_lesson_cannot_be_started():
    lesson = make_lesson(make_course(), rule=completion.QUIZ, live=False)
    qz = quiz([question("single")], lesson=lesson)
    with pytest.raises(services.QuizError):
        services.start_attempt(MemberFactory(), qz, now=T0)
    lesson.live = True
    lesson.save()
    qz.refresh_from_db()
    assert services.start_attempt(MemberFactory(), qz, now=T0)[1] is True
