"""The life of a quiz attempt: start (draw + shuffle), save answers, submit, grade, credit.

The server owns the clock: an attempt's deadline is fixed when it starts, an
answer saved after the deadline (plus a small network grace) is refused, and
a late submission is graded only on the answers saved in time.
"""

import datetime
import random
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.catalog import completion
from lms.records import services as ledger

from . import access, conf, signals
from .grading import ResponseError, clean_response, grade
from .models import AttemptAnswer, Question, QuestionType, Quiz, QuizAttempt

LEDGER_QUIZ = "quiz"  # this app's ledger source (registered in QuizzesConfig.ready())


class QuizError(ValueError):
    """A request the rules refuse; the message is for the member."""


class TimeUp(QuizError):
    pass


def grace() -> datetime.timedelta:
    return datetime.timedelta(seconds=conf.get("QUIZ_DEADLINE_GRACE_SECONDS"))


def attempts_used(member, quiz: Quiz) -> int:
    return QuizAttempt.objects.filter(member=member, quiz=quiz).count()


def attempts_left(member, quiz: Quiz) -> int | None:
    if not quiz.max_attempts:
        return None
    return max(0, quiz.max_attempts - attempts_used(member, quiz))


def has_passed(member, quiz: Quiz) -> bool:
    return QuizAttempt.objects.filter(member=member, quiz=quiz, passed=True).exists()


def best_attempt(member, quiz: Quiz) -> QuizAttempt | None:
    return (QuizAttempt.objects.filter(member=member, quiz=quiz, status=QuizAttempt.Status.GRADED)
            .order_by("-passed", "-score", "submitted_at").first())


def in_progress(member, quiz: Quiz) -> QuizAttempt | None:
    return QuizAttempt.objects.filter(member=member, quiz=quiz, status=QuizAttempt.Status.IN_PROGRESS).first()


# --- drawing ---------------------------------------------------------------------------------------

def draw_questions(quiz: Quiz, rng: random.Random) -> list[tuple[Question, Decimal]]:
    """Fixed questions plus each draw rule's random picks (never the same question twice)."""
    picked: list[tuple[Question, Decimal]] = []
    used: set[int] = set()
    for fixed in quiz.fixed_questions.select_related("question").order_by("sort_order", "pk"):
        if fixed.question_id in used:
            continue
        used.add(fixed.question_id)
        picked.append((fixed.question, fixed.points if fixed.points is not None else fixed.question.points))
    for rule in quiz.draw_rules.select_related("category").order_by("sort_order", "pk"):
        pool = list(rule.pool(exclude_ids=used).values_list("pk", flat=True))
        if len(pool) < rule.count:
            raise QuizError(_("The question bank has only %(available)d question(s) for “%(rule)s”, "
                              "but %(count)d are to be drawn.")
                            % {"available": len(pool), "rule": rule.describe(), "count": rule.count})
        chosen = rng.sample(sorted(pool), rule.count)
        by_id = Question.objects.in_bulk(chosen)
        for pk in chosen:
            used.add(pk)
            picked.append((by_id[pk], rule.points if rule.points is not None else by_id[pk].points))
    if not picked:
        raise QuizError(_("This quiz has no questions yet."))
    if quiz.shuffle_questions:
        rng.shuffle(picked)
    return picked


def check_pool(quiz: Quiz) -> list[str]:
    """Problems that would stop an attempt from starting (for trainers' pages)."""
    try:
        draw_questions(quiz, random.Random(0))
    except QuizError as exc:
        return [str(exc)]
    return []


# --- starting --------------------------------------------------------------------------------------

def start_attempt(member, quiz: Quiz, *, now=None, rng: random.Random | None = None) -> tuple[QuizAttempt, bool]:
    """Resume the attempt in progress or start a new one; (attempt, created)."""
    if not access.can_use(member.user, quiz):
        raise QuizError(_("This quiz is not open to you."))
    now = now or timezone.now()
    current = in_progress(member, quiz)
    if current is not None:
        current = finalize_if_expired(current, now=now)
        if not current.is_finished:
            return current, False
    if not quiz.is_published():
        raise QuizError(_("This quiz is not published."))
    if not quiz.is_open(now):
        if quiz.opens_at and now < quiz.opens_at:
            raise QuizError(_("This quiz opens at %(when)s.")
                            % {"when": timezone.localtime(quiz.opens_at).strftime("%Y-%m-%d %H:%M")})
        raise QuizError(_("This quiz is closed."))
    rng = rng or random.SystemRandom()
    drawn = draw_questions(quiz, rng)
    deadline = None
    if quiz.time_limit_seconds:
        deadline = now + datetime.timedelta(seconds=quiz.time_limit_seconds)
    if quiz.closes_at and (deadline is None or quiz.closes_at < deadline):
        deadline = quiz.closes_at
    try:
        with transaction.atomic():
            current = in_progress(member, quiz)
            if current is not None:  # a concurrent request (double click) started it meanwhile
                return current, False
            used = attempts_used(member, quiz)
            if quiz.max_attempts and used >= quiz.max_attempts:
                # Under READ COMMITTED a concurrent start may have committed between the two reads above: the
                # attempt it opened is the one to resume, not a reason to refuse.
                current = in_progress(member, quiz)
                if current is not None:
                    return current, False
                raise QuizError(_("You have used all %(n)d attempt(s) of this quiz.") % {"n": quiz.max_attempts})
            attempt = QuizAttempt.objects.create(
                member=member, quiz=quiz, number=used + 1, started_at=now, deadline=deadline,
                max_score=sum((points for _q, points in drawn), Decimal("0")),
            )
            rows = []
            for position, (question, points) in enumerate(drawn, start=1):
                order = []
                if question.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
                    order = list(question.choices.order_by("sort_order", "pk").values_list("pk", flat=True))
                    if quiz.shuffle_options:
                        rng.shuffle(order)
                rows.append(AttemptAnswer(attempt=attempt, question=question, position=position, points=points,
                                          option_order=order))
            AttemptAnswer.objects.bulk_create(rows)
    except IntegrityError:
        # A concurrent request (double click) started one first: resume it.
        current = in_progress(member, quiz)
        if current is None:
            raise QuizError(_("Please try again.")) from None
        return current, False
    return attempt, True


# --- answering -------------------------------------------------------------------------------------

def _past_deadline(attempt: QuizAttempt, now) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + grace()


def save_answer(attempt: QuizAttempt, question_id: int, data, *, now=None) -> AttemptAnswer:
    now = now or timezone.now()
    if attempt.is_finished:
        raise QuizError(_("This attempt has already been submitted."))
    if _past_deadline(attempt, now):
        finalize_if_expired(attempt, now=now)
        raise TimeUp(_("Time is up: answers can no longer be changed."))
    answer = attempt.answers.select_related("question").filter(question_id=question_id).first()
    if answer is None:
        raise QuizError(_("That question is not part of this attempt."))
    try:
        response = clean_response(answer.question, data, answer.option_order or None)
    except ResponseError as exc:
        raise QuizError(str(exc)) from exc
    # Conditional update: an answer never lands after a concurrent submit.
    updated = AttemptAnswer.objects.filter(
        pk=answer.pk, attempt__status=QuizAttempt.Status.IN_PROGRESS
    ).update(response=response, saved_at=now)
    if not updated:
        raise QuizError(_("This attempt has already been submitted."))
    answer.response, answer.saved_at = response, now
    return answer


# --- submitting and grading ------------------------------------------------------------------------

def submit_attempt(attempt: QuizAttempt, *, now=None) -> QuizAttempt:
    """Close the attempt and grade what was saved in time. Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        late = _past_deadline(attempt, now)
        won = QuizAttempt.objects.filter(pk=attempt.pk, status=QuizAttempt.Status.IN_PROGRESS).update(
            status=QuizAttempt.Status.PENDING_REVIEW, submitted_at=now, submitted_late=late,
        )
        attempt.refresh_from_db()
        if not won:
            return attempt
        cutoff = attempt.deadline + grace() if attempt.deadline else None
        pending = False
        for answer in attempt.answers.select_related("question").prefetch_related("question__choices"):
            response = answer.response
            if response is not None and cutoff is not None and (answer.saved_at is None or answer.saved_at > cutoff):
                response = None  # saved too late: does not count
            score, correct = grade(answer.question, response, answer.points)
            if score is None:
                pending = True
            answer.score, answer.is_correct = score, correct
            answer.save(update_fields=["score", "is_correct"])
        if not pending:
            _finish(attempt, now)
    return attempt


def finalize_if_expired(attempt: QuizAttempt, *, now=None) -> QuizAttempt:
    now = now or timezone.now()
    if not attempt.is_finished and _past_deadline(attempt, now):
        return submit_attempt(attempt, now=now)
    return attempt


def finalize_expired(*, now=None) -> int:
    """Submit every attempt whose time ran out without a submission (periodic task)."""
    now = now or timezone.now()
    count = 0
    expired = QuizAttempt.objects.filter(status=QuizAttempt.Status.IN_PROGRESS, deadline__isnull=False,
                                         deadline__lt=now - grace())
    for attempt in expired.iterator():
        submit_attempt(attempt, now=now)
        count += 1
    return count


def _finish(attempt: QuizAttempt, now) -> None:
    """All answers graded: total, pass/fail, and on a pass complete the lesson and credit hours once."""
    total = sum((a.score or Decimal("0") for a in attempt.answers.all()), Decimal("0"))
    quiz = attempt.quiz
    passed = bool(attempt.max_score) and total * 100 >= attempt.max_score * quiz.pass_percent
    won = QuizAttempt.objects.filter(pk=attempt.pk, status=QuizAttempt.Status.PENDING_REVIEW).update(
        status=QuizAttempt.Status.GRADED, score=total, passed=passed, graded_at=now,
    )
    attempt.refresh_from_db()
    if not won:
        return
    if passed:
        _on_pass(attempt, now)
    ids = {"attempt_id": attempt.pk, "member_id": attempt.member_id, "quiz_id": quiz.pk, "passed": passed}
    transaction.on_commit(lambda: signals.attempt_finished.send(sender=QuizAttempt, **ids))


def _on_pass(attempt: QuizAttempt, now) -> None:
    from lms.progress.services import complete_lesson

    quiz, member = attempt.quiz, attempt.member
    if quiz.credit_hours and quiz.credit_hours > 0:
        ledger.credit(member, source=LEDGER_QUIZ, reference=f"quiz:{quiz.pk}", title=quiz.title,
                      hours=quiz.credit_hours, date=timezone.localdate(now))
    lesson = quiz.lesson
    if lesson is not None and lesson.live and lesson.completion_rule == completion.QUIZ:
        complete_lesson(member, lesson, now=now)


def grade_short_answer(answer: AttemptAnswer, *, score, feedback: str = "", user=None, now=None) -> AttemptAnswer:
    """A trainer's grade for a short answer; the attempt is finished when nothing waits any more."""
    now = now or timezone.now()
    if answer.question.qtype != QuestionType.SHORT_ANSWER:
        raise QuizError(_("Only short answers are graded by hand."))
    try:
        score = Decimal(str(score))
    except ArithmeticError as exc:
        raise QuizError(_("The score must be a number.")) from exc
    if not score.is_finite() or score < 0 or score > answer.points:
        raise QuizError(_("The score must be between 0 and %(max)s.") % {"max": answer.points})
    with transaction.atomic():
        attempt = QuizAttempt.objects.select_for_update().get(pk=answer.attempt_id)
        if attempt.status != QuizAttempt.Status.PENDING_REVIEW:
            raise QuizError(_("This attempt is not waiting for grading."))
        answer.score = score.quantize(Decimal("0.1"))
        answer.is_correct = answer.score >= answer.points
        answer.feedback = (feedback or "").strip()[:2000]
        answer.graded_by = user
        answer.graded_at = now
        answer.save(update_fields=["score", "is_correct", "feedback", "graded_by", "graded_at"])
        if not attempt.answers.filter(score__isnull=True).exists():
            _finish(attempt, now)
    return answer


def pending_reviews(quiz_ids):
    return (AttemptAnswer.objects.filter(attempt__quiz_id__in=list(quiz_ids),
                                         attempt__status=QuizAttempt.Status.PENDING_REVIEW, score__isnull=True)
            .select_related("attempt__member", "question", "attempt__quiz").order_by("attempt__submitted_at"))


# --- what the member may see ----------------------------------------------------------------------

def can_show_answers(attempt: QuizAttempt, *, now=None) -> bool:
    now = now or timezone.now()
    quiz = attempt.quiz
    if not attempt.is_finished:
        return False
    policy = quiz.show_answers
    if policy == Quiz.ShowAnswers.AFTER_SUBMIT:
        return True
    if policy == Quiz.ShowAnswers.AFTER_FINAL:
        return has_passed(attempt.member, quiz) or attempts_left(attempt.member, quiz) == 0
    if policy == Quiz.ShowAnswers.AFTER_CLOSE:
        return quiz.closes_at is not None and now >= quiz.closes_at
    return False


def member_results(quiz: Quiz):
    """Per-member summary rows: attempts, best score, passed, total time."""
    rows: dict[int, dict] = {}
    attempts = (QuizAttempt.objects.filter(quiz=quiz).exclude(status=QuizAttempt.Status.IN_PROGRESS)
                .select_related("member__org_unit").order_by("member_id", "number"))
    for a in attempts:
        row = rows.setdefault(a.member_id, {"member": a.member, "attempts": 0, "best": None, "best_percent": None,
                                            "passed": False, "last_submitted": None, "duration_seconds": 0,
                                            "pending": 0})
        row["attempts"] += 1
        row["duration_seconds"] += a.duration_seconds or 0
        row["last_submitted"] = a.submitted_at
        if a.status == QuizAttempt.Status.PENDING_REVIEW:
            row["pending"] += 1
        if a.score is not None and (row["best"] is None or a.score > row["best"]):
            row["best"], row["best_percent"] = a.score, a.percent
        row["passed"] = row["passed"] or bool(a.passed)
    return sorted(rows.values(), key=lambda r: (r["member"].employee_no))
