"""Per-question statistics of a quiz for its trainers."""

from collections import Counter, defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from .grading import normalize_text
from .models import AttemptAnswer, QuestionType, Quiz, QuizAttempt

FINISHED = [QuizAttempt.Status.PENDING_REVIEW, QuizAttempt.Status.GRADED]


def question_stats(quiz: Quiz) -> list[dict]:
    """One row per question that appeared in a submitted attempt, hardest first.

    correct_rate counts correct answers among all times the question was
    shown; most_common_wrong is the wrong option chosen most often (for
    true/false the wrong value, for blanks the most frequent wrong text).
    """
    answers = (AttemptAnswer.objects.filter(attempt__quiz=quiz, attempt__status__in=FINISHED)
               .select_related("question__category").prefetch_related("question__choices"))
    grouped: dict[int, list[AttemptAnswer]] = defaultdict(list)
    for answer in answers:
        grouped[answer.question_id].append(answer)
    rows = []
    for items in grouped.values():
        question = items[0].question
        shown = len(items)
        answered = sum(1 for a in items if a.response is not None)
        graded = [a for a in items if a.score is not None]
        correct = sum(1 for a in graded if a.is_correct)
        wrong: Counter = Counter()
        labels: dict = {}
        if question.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            choices = {c.pk: c for c in question.choices.all()}
            for a in items:
                for cid in (a.response or {}).get("choices", []):
                    if cid in choices and not choices[cid].is_correct:
                        wrong[cid] += 1
            labels = {pk: c.text for pk, c in choices.items()}
        elif question.qtype == QuestionType.TRUE_FALSE:
            for a in items:
                value = (a.response or {}).get("value")
                if value is not None and value is not question.correct_true:
                    wrong[value] += 1
            labels = {True: _("True"), False: _("False")}
        elif question.qtype == QuestionType.FILL_BLANK:
            for a in items:
                if a.response is not None and a.is_correct is False:
                    text = " / ".join(normalize_text(b) or "—" for b in a.response.get("blanks", []))
                    wrong[text] += 1
            labels = {k: k for k in wrong}
        most = wrong.most_common(1)
        total_score = sum((a.score for a in graded), Decimal("0"))
        rows.append({
            "question": question,
            "shown": shown,
            "answered": answered,
            "graded": len(graded),
            "correct": correct,
            "correct_rate": (correct / len(graded)) if graded else None,
            "average_score": (total_score / len(graded)) if graded else None,
            "points": items[0].points,
            "most_common_wrong": labels.get(most[0][0]) if most else None,
            "most_common_wrong_count": most[0][1] if most else 0,
        })
    rows.sort(key=lambda r: (r["correct_rate"] if r["correct_rate"] is not None else 2, r["question"].pk))
    return rows


def summary(quiz: Quiz) -> dict:
    attempts = QuizAttempt.objects.filter(quiz=quiz, status__in=FINISHED)
    graded = [a for a in attempts if a.status == QuizAttempt.Status.GRADED]
    members = {a.member_id for a in attempts}
    passed_members = {a.member_id for a in graded if a.passed}
    durations = [a.duration_seconds for a in attempts if a.duration_seconds is not None]
    return {
        "attempts": len(attempts),
        "members": len(members),
        "passed_members": len(passed_members),
        "pass_rate": (len(passed_members) / len(members)) if members else None,
        "pending": sum(1 for a in attempts if a.status == QuizAttempt.Status.PENDING_REVIEW),
        "average_percent": (sum(a.percent for a in graded if a.percent is not None) / len(graded)) if graded else None,
        "average_duration_seconds": int(sum(durations) / len(durations)) if durations else None,
    }
