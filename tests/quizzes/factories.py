"""Builders for questions, quizzes and .h5p archives used by the quiz tests."""

import io
import zipfile
from decimal import Decimal
from pathlib import Path

from lms.quizzes.models import Choice, Question, QuestionCategory, Quiz, QuizQuestion

FIXTURE = Path(__file__).parent / "h5p_fixture"


def category(name="党章学习"):
    return QuestionCategory.objects.get_or_create(name=name)[0]


def question(qtype="single", text=None, *, cat="党章学习", difficulty=2, points="1", choices=None,
             correct_true=None, accepted="", explanation="", active=True):
    q = Question(qtype=qtype, text=text or f"{qtype} 题目", category=category(cat), difficulty=difficulty,
                 points=Decimal(points), correct_true=correct_true, accepted_answers=accepted,
                 explanation=explanation, is_active=active)
    if choices is None and qtype in ("single", "multiple"):
        choices = [("甲", True), ("乙", False), ("丙", qtype == "multiple"), ("丁", False)]
    q.choices = [Choice(text=t, is_correct=c, sort_order=i) for i, (t, c) in enumerate(choices or [])]
    q.save()
    return q


def correct_choice_ids(q):
    return sorted(c.pk for c in q.choices.all() if c.is_correct)


def quiz(questions=(), *, title="测验", **fields):
    fields.setdefault("shuffle_questions", False)
    fields.setdefault("shuffle_options", False)
    qz = Quiz.objects.create(title=title, **fields)
    for i, q in enumerate(questions):
        QuizQuestion.objects.create(quiz=qz, question=q, sort_order=i)
    return qz


def correct_response(q):
    if q.qtype in ("single", "multiple"):
        return {"choices": correct_choice_ids(q)}
    if q.qtype == "true_false":
        return {"value": q.correct_true}
    if q.qtype == "fill_blank":
        return {"blanks": [alts[0] for alts in q.blanks()]}
    return {"text": "我的回答"}


def build_h5p(*, drop=(), replace=None, extra=None) -> bytes:
    """Zip the fixture package (as an H5P authoring tool would export it), with optional changes."""
    replace = replace or {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(FIXTURE.rglob("*")):
            if path.is_file():
                name = path.relative_to(FIXTURE).as_posix()
                if name in drop:
                    continue
                zf.writestr(name, replace.get(name, path.read_bytes()))
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buffer.getvalue()


def raw_zip(entries) -> bytes:
    """A zip from (ZipInfo or name, bytes) pairs, names written exactly as given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries:
            zf.writestr(info, data)
    return buffer.getvalue()
