"""What a member sees of a quiz and of an attempt: the same shape for the pages and the API.

Correct answers and explanations are included only when the quiz's
"show answers" rule allows it for this attempt.
"""

import datetime

from django.utils import timezone

from lms.org.scope import member_of

from . import services
from .models import AttemptAnswer, QuestionType, Quiz, QuizAttempt
from .permissions import can_manage_quiz


def quiz_overview_context(quiz: Quiz, request) -> dict:
    """What the quiz box shows: rules, the member's attempts and whether they can start one."""
    member = member_of(request.user)
    now = timezone.now()
    context = {"quiz": quiz, "member": member, "quiz_open": quiz.is_open(now),
               "can_manage_quiz": can_manage_quiz(request.user, quiz),
               "question_count": quiz.fixed_questions.count() + sum(r.count for r in quiz.draw_rules.all())}
    if context["can_manage_quiz"]:
        context["pool_problems"] = services.check_pool(quiz)
    if member is not None:
        current = services.in_progress(member, quiz)
        if current is not None:
            current = services.finalize_if_expired(current, now=now)
            if current.is_finished:
                current = None
        attempts = list(QuizAttempt.objects.filter(member=member, quiz=quiz).order_by("number"))
        left = services.attempts_left(member, quiz)
        context.update({
            "my_attempts": attempts,
            "attempts_left": left,
            "in_progress_attempt": current,
            "passed": any(a.passed for a in attempts),
            "can_start": current is None and quiz.is_open(now) and (left is None or left > 0),
        })
    return context


def _blank_values(answer: AttemptAnswer, question) -> list[str]:
    if question.qtype != QuestionType.FILL_BLANK:
        return []
    count = max(1, len(question.blanks()))
    given = (answer.response or {}).get("blanks", [])
    return [given[i] if i < len(given) else "" for i in range(count)]


def question_view(answer: AttemptAnswer, *, finished: bool, reveal: bool) -> dict:
    question = answer.question
    choices = {c.pk: c for c in question.choices.all()}
    item = {
        "id": question.pk,
        "position": answer.position,
        "type": question.qtype,
        "type_label": str(question.get_qtype_display()),
        "text": question.text,
        "points": float(answer.points),
        "options": [{"id": pk, "text": choices[pk].text} for pk in answer.option_order if pk in choices],
        "blanks": max(1, len(question.blanks())) if question.qtype == QuestionType.FILL_BLANK else 0,
        "response": answer.response,
        "blank_values": _blank_values(answer, question),
        "saved_at": answer.saved_at.isoformat() if answer.saved_at else None,
    }
    if finished:
        item["score"] = float(answer.score) if answer.score is not None else None
        item["correct"] = answer.is_correct
        item["feedback"] = answer.feedback
    if reveal:
        item["correct_options"] = [c.pk for c in question.choices.all() if c.is_correct]
        item["correct_true"] = question.correct_true
        item["accepted_answers"] = question.blanks()
        item["reference_answer"] = question.reference_answer
        item["explanation"] = question.explanation
    return item


def attempt_view(attempt: QuizAttempt, *, now=None, with_questions: bool = True, reveal: bool | None = None) -> dict:
    now = now or timezone.now()
    finished = attempt.is_finished
    if reveal is None:
        reveal = services.can_show_answers(attempt, now=now)
    data = {
        "id": attempt.pk,
        "quiz": attempt.quiz_id,
        "quiz_title": attempt.quiz.title,
        "member": attempt.member_id,
        "number": attempt.number,
        "status": attempt.status,
        "started_at": attempt.started_at.isoformat(),
        "deadline": attempt.deadline.isoformat() if attempt.deadline else None,
        "server_now": now.isoformat(),
        "seconds_left": (max(0, round((attempt.deadline - now).total_seconds())) if attempt.deadline and not finished
                         else None),
        "submitted_at": attempt.submitted_at.isoformat() if attempt.submitted_at else None,
        "submitted_late": attempt.submitted_late,
        "score": float(attempt.score) if attempt.score is not None else None,
        "max_score": float(attempt.max_score),
        "percent": round(attempt.percent, 1) if attempt.percent is not None else None,
        "passed": attempt.passed,
        "duration_seconds": attempt.duration_seconds,
        "answers_shown": reveal,
    }
    if with_questions:
        answers = attempt.answers.select_related("question").prefetch_related("question__choices").order_by("position")
        data["questions"] = [question_view(a, finished=finished, reveal=reveal) for a in answers]
    return data


def is_answered(response) -> bool:
    """Whether a saved response counts as an answer (an option, true/false, a filled blank or some text)."""
    if not isinstance(response, dict) or not response:
        return False
    if response.get("choices"):
        return True
    if isinstance(response.get("value"), bool):
        return True
    if any(str(blank).strip() for blank in response.get("blanks") or []):
        return True
    return bool(str(response.get("text") or "").strip())


def _local_clock(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M") if value else ""


def taking_view(view: dict) -> dict:
    """What the attempt page adds to ``attempt_view``: per question whether it is answered and the time (HH:MM,
    local) it was last saved; overall the answered count and the last save. The API's shape stays as it is."""
    questions = view.get("questions") or []
    last = None
    for q in questions:
        saved = datetime.datetime.fromisoformat(q["saved_at"]) if q["saved_at"] else None
        q["answered"] = is_answered(q["response"])
        q["saved_clock"] = _local_clock(saved)
        if saved and (last is None or saved > last):
            last = saved
    answered = sum(1 for q in questions if q["answered"])
    total = len(questions)
    return {"answered": answered, "total": total, "percent": round(answered * 100 / total) if total else 0,
            "last_saved_clock": _local_clock(last)}
