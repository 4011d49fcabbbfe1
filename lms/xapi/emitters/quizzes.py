"""Quiz and exam attempts: ``attempted`` (when it began), ``answered`` per question and ``passed`` or ``failed``
with the score, in one registration per attempt; stated when the attempt has its final grade
(lms.quizzes.signals.attempt_finished)."""

from __future__ import annotations

import json

from lms.quizzes.models import QuizAttempt

from . import (
    ADL,
    activity,
    context,
    course_context_activities,
    duration,
    page_activity,
    registration,
    score,
    statement,
    verb,
)
from . import member as load_member

ATTEMPTED = verb(ADL + "attempted", "参加", "attempted")
ANSWERED = verb(ADL + "answered", "作答", "answered")
PASSED = verb(ADL + "passed", "通过", "passed")
FAILED = verb(ADL + "failed", "未通过", "failed")
MAX_RESPONSE = 1000


def _quiz_activities(quiz) -> dict | None:
    lesson = quiz.lesson
    if lesson is None:
        return None
    out = {"parent": [page_activity("lesson", lesson)]}
    course = lesson.course
    if course is not None:
        parts = course_context_activities(course)
        out["grouping"] = parts["parent"] + parts.get("grouping", [])
    return out


def _response(value) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text[:MAX_RESPONSE]


def attempt_finished(attempt_id: int) -> list[dict]:
    attempt = QuizAttempt.objects.select_related("quiz", "quiz__lesson").filter(pk=attempt_id).first()
    if attempt is None or attempt.status != QuizAttempt.Status.GRADED:
        return []
    member = load_member(attempt.member_id)
    if member is None:
        return []
    quiz = attempt.quiz
    quiz_object = activity("quiz", quiz.pk, quiz.title)
    reg = registration(f"quiz-attempt:{attempt.pk}")
    parents = _quiz_activities(quiz)
    ended = attempt.graded_at or attempt.submitted_at
    out = [statement(f"quiz-attempted:{attempt.pk}", member, ATTEMPTED, quiz_object, when=attempt.started_at,
                     context_=context(activities=parents, registration_id=reg))]
    answers = attempt.answers.select_related("question").order_by("position")
    for answer in answers:
        result = {"response": _response(answer.response)}
        if answer.is_correct is not None:
            result["success"] = answer.is_correct
        answer_score = score(answer.score, answer.points)
        if answer_score:
            result["score"] = answer_score
        question = activity("question", answer.question_id, answer.question.text[:200] or str(answer.question_id))
        out.append(statement(f"quiz-answered:{attempt.pk}:{answer.question_id}", member, ANSWERED, question,
                             when=answer.saved_at or attempt.submitted_at or ended, result=result,
                             context_=context(activities={"parent": [quiz_object]}, registration_id=reg)))
    result = {"success": bool(attempt.passed), "completion": True}
    attempt_score = score(attempt.score, attempt.max_score)
    if attempt_score:
        result["score"] = attempt_score
    if attempt.submitted_at and attempt.submitted_at >= attempt.started_at:
        result["duration"] = duration((attempt.submitted_at - attempt.started_at).total_seconds())
    out.append(statement(f"quiz-result:{attempt.pk}", member, PASSED if attempt.passed else FAILED, quiz_object,
                         when=ended, result=result, context_=context(activities=parents, registration_id=reg)))
    return out
